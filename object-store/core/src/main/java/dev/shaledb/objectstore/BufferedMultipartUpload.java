package dev.shaledb.objectstore;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The multipart upload of a store that has none of its own ({@link
 * ObjectStore#multipartUpload(String)}'s default): the parts are collected in memory, each at its
 * place in the object, and {@link #complete} puts the whole object with one unconditional put
 * through the store. So the upload holds the whole object, as a put's caller would; but it is
 * correct on every store, and a decorator that intercepts puts sees it. Sends no request before
 * {@code complete}.
 */
final class BufferedMultipartUpload extends StoreMultipartUpload {
  /** Arrays of more than this many bytes are not allocated by every JVM. */
  private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  private final ObjectStore store;
  private byte[] bytes = new byte[0]; // guarded by this
  private boolean started; // guarded by this
  private boolean aborted; // guarded by this
  private CompletableFuture<ObjectMeta> completion; // guarded by this

  BufferedMultipartUpload(ObjectStore store, String key, long partSize) {
    super(key, partSize);
    this.store = store;
  }

  @Override
  public synchronized CompletableFuture<Void> start() {
    if (aborted) {
      return CompletableFuture.failedFuture(aborted());
    }
    started = true;
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> uploadPart(int number, ByteBuffer data) {
    try {
      parts.check(number, data.remaining());
      long end = parts.offset(number) + data.remaining();
      if (end > MAX_BYTES) {
        throw new IllegalArgumentException(
            "'" + key + "' would grow past " + MAX_BYTES + " bytes, more than one put can take");
      }
      synchronized (this) {
        checkOpen();
        if (bytes.length < end) {
          bytes = Arrays.copyOf(bytes, (int) Math.min(MAX_BYTES, Math.max(end, bytes.length * 2L)));
        }
        data.duplicate().get(bytes, (int) parts.offset(number), data.remaining());
        parts.received(number, data.remaining());
      }
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public synchronized CompletableFuture<ObjectMeta> complete(int count) {
    if (completion != null && !completion.isCompletedExceptionally()) {
      return completion; // a repeat: answers as the first did
    }
    try {
      checkOpen();
      long size = parts.objectSize(count);
      completion = store.put(key, ByteBuffer.wrap(bytes, 0, (int) size), PutCondition.none());
      // The store has its own copy once the put succeeded; a repeat answers from the future.
      completion.thenRun(this::release);
      return completion;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public synchronized CompletableFuture<Void> abort() {
    aborted = true;
    bytes = new byte[0];
    return CompletableFuture.completedFuture(null);
  }

  private synchronized void release() {
    bytes = new byte[0];
  }

  private void checkOpen() {
    if (aborted) {
      throw aborted();
    }
    if (!started) {
      throw notStarted();
    }
  }

  @Override
  public String toString() {
    return "upload of '" + key + "' to " + store;
  }
}
