package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * An object written as a stream: bytes go to the store in parts while they are produced, so a
 * writer of a large object holds at most {@code (partsInFlight + 1) * partSize} bytes of it, never
 * the whole object. Opened by {@link ObjectStore#upload(String)}; see there for the contract.
 *
 * <p>How: {@link #write} fills a buffer of the store's {@link MultipartUpload#partSize()}; when it
 * is full and more bytes come, it becomes part n of a {@link MultipartUpload} (started with the
 * first part), sent while the writer goes on, at most {@code partsInFlight} at once: a write that
 * would exceed that waits. {@link #complete()} sends the last part and completes the upload once
 * every part succeeded. An object that never filled a part (at most {@code partSize} bytes) goes up
 * with one unconditional {@link ObjectStore#put} instead: one request, not three.
 *
 * <p>A part that fails (after the store's own retries) fails the upload: it is aborted once the
 * parts in flight settled, later writes throw that failure and {@link #complete()} returns it. A
 * failed completion aborts the upload too. Buffers of parts that went through are reused.
 *
 * <p>One thread writes, completes and aborts (not thread-safe); parts finish on the store's
 * threads. {@link #write} may block while {@code partsInFlight} parts are in flight, so it must not
 * be called from a thread that completes the store's futures.
 */
public final class ObjectUpload implements AutoCloseable {
  /** Parts in flight per upload: more rarely speeds an upload up and would crowd connections. */
  public static final int DEFAULT_PARTS_IN_FLIGHT = 4;

  private enum State {
    OPEN,
    COMPLETING,
    ABORTED
  }

  private final ObjectStore store;
  private final MultipartUpload parts;
  private final int partSize;
  private final int maxInFlight;
  private final PartBuffers buffers;
  private final Object lock = new Object();

  private ByteBuffer current; // the part being filled; writer thread only
  private long written; // writer thread only

  private State state = State.OPEN; // guarded by lock
  private int sent; // guarded by lock
  private int inFlight; // guarded by lock
  private RuntimeException failure; // guarded by lock
  private CompletableFuture<Void> started; // guarded by lock; null until the first part
  private CompletableFuture<Void> aborting; // guarded by lock
  private final List<CompletableFuture<Void>> sentParts = new ArrayList<>(); // guarded by lock

  private ObjectUpload(ObjectStore store, MultipartUpload parts, int partsInFlight) {
    this.store = store;
    this.parts = parts;
    long size = parts.partSize();
    if (size < 1 || size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "part size " + size + " of " + parts + " does not fit one buffer");
    }
    this.partSize = (int) size;
    this.maxInFlight = partsInFlight;
    this.buffers = new PartBuffers(partSize, partsInFlight);
  }

  /** An upload of {@code key} to {@code store} with {@link #DEFAULT_PARTS_IN_FLIGHT}. */
  public static ObjectUpload open(ObjectStore store, String key) {
    return open(store, key, DEFAULT_PARTS_IN_FLIGHT);
  }

  /**
   * An upload of {@code key} to {@code store} with at most {@code partsInFlight} parts sent at
   * once. Sends no request.
   *
   * @throws IllegalArgumentException if the key is invalid or {@code partsInFlight} is below 1
   */
  public static ObjectUpload open(ObjectStore store, String key, int partsInFlight) {
    requireNonNull(store, "store is null");
    ObjectKeys.validate(key);
    if (partsInFlight < 1) {
      throw new IllegalArgumentException("partsInFlight is below 1: " + partsInFlight);
    }
    return new ObjectUpload(store, store.multipartUpload(key), partsInFlight);
  }

  public String key() {
    return parts.key();
  }

  /** The bytes written so far. */
  public long bytesWritten() {
    return written;
  }

  /**
   * The most bytes of buffers this upload held at once so far: the part being filled, the parts in
   * flight and the buffers kept for reuse. The store may hold more of its own (a store without
   * multipart uploads of its own collects the whole object).
   */
  public long peakBufferBytes() {
    return buffers.peak();
  }

  /**
   * Appends the remaining bytes of {@code data}, consuming them (its position moves to its limit).
   *
   * @throws IllegalStateException after {@link #complete()} or {@link #abort()}
   * @throws RuntimeException the failure of an earlier part, which failed the upload
   */
  public void write(ByteBuffer data) {
    requireNonNull(data, "data is null");
    checkWritable();
    while (data.hasRemaining()) {
      if (current != null && !current.hasRemaining() && current.capacity() == partSize) {
        sendFullPart(); // more bytes follow, so this part is not the last
      }
      makeRoom(data.remaining());
      int n = Math.min(data.remaining(), current.remaining());
      current.put(data.slice(data.position(), n));
      data.position(data.position() + n);
      written += n;
    }
  }

  /** Appends {@code length} bytes of {@code bytes} from {@code offset}; see {@link #write}. */
  public void write(byte[] bytes, int offset, int length) {
    write(ByteBuffer.wrap(bytes, offset, length));
  }

  /**
   * Publishes the object, atomically, with what was written. The future completes with the new
   * object's metadata, or fails as {@link ObjectStore#put} does (with the failure of a part that
   * failed before); a failed completion, as a failed put, may still have made the object visible.
   *
   * @throws IllegalStateException if called twice or after {@link #abort()}
   */
  public CompletableFuture<ObjectMeta> complete() {
    RuntimeException failed;
    boolean single;
    synchronized (lock) {
      checkNotFinished();
      state = State.COMPLETING;
      failed = failure;
      single = sent == 0;
    }
    if (failed != null) {
      return abortParts().thenCompose(v -> CompletableFuture.failedFuture(failed));
    }
    ByteBuffer last = current == null ? ByteBuffer.allocate(0) : current.flip();
    current = null;
    if (single) {
      return putWhole(last);
    }
    // A part is sent only once more bytes follow it, so the last one holds at least one byte.
    int count;
    try {
      count = send(last);
    } catch (RuntimeException e) {
      return abortParts().thenCompose(v -> CompletableFuture.failedFuture(e));
    }
    CompletableFuture<?>[] all;
    synchronized (lock) {
      all = sentParts.toArray(CompletableFuture[]::new);
    }
    return CompletableFuture.allOf(all)
        .thenCompose(v -> parts.complete(count))
        .handle(
            (meta, error) ->
                error == null
                    ? CompletableFuture.completedFuture(meta)
                    : abortParts()
                        .thenCompose(v -> CompletableFuture.<ObjectMeta>failedFuture(error)))
        .thenCompose(f -> f)
        .whenComplete((meta, error) -> buffers.release());
  }

  private CompletableFuture<ObjectMeta> putWhole(ByteBuffer whole) {
    CompletableFuture<ObjectMeta> put;
    try {
      put = store.put(parts.key(), whole, PutCondition.none());
    } catch (RuntimeException e) {
      put = CompletableFuture.failedFuture(e);
    }
    return put.whenComplete((meta, error) -> buffers.release());
  }

  /**
   * Discards what was written: nothing becomes visible. The future completes once the store was
   * asked to discard the parts (after the parts in flight settled) and never fails. Idempotent;
   * after {@link #complete()} it does nothing.
   */
  public CompletableFuture<Void> abort() {
    synchronized (lock) {
      if (state == State.COMPLETING) {
        return CompletableFuture.completedFuture(null);
      }
      state = State.ABORTED;
    }
    current = null;
    buffers.release();
    return abortParts();
  }

  /** Aborts the upload unless {@link #complete()} was called, and waits for the abort. */
  @Override
  public void close() {
    abort().join();
  }

  private void checkWritable() {
    synchronized (lock) {
      checkNotFinished();
      if (failure != null) {
        throw failure;
      }
    }
  }

  private void checkNotFinished() {
    if (state == State.COMPLETING) {
      throw new IllegalStateException("upload of '" + parts.key() + "' is already completed");
    }
    if (state == State.ABORTED) {
      throw new IllegalStateException("upload of '" + parts.key() + "' was aborted");
    }
  }

  /** Makes {@link #current} a buffer with room, growing a first small one up to a part. */
  private void makeRoom(int wanted) {
    if (current == null) {
      boolean whole;
      synchronized (lock) {
        whole = sent > 0;
      }
      current = buffers.take(whole, wanted);
    } else if (!current.hasRemaining()) {
      current = buffers.grow(current, wanted);
    }
  }

  /** Sends the full {@link #current} once a slot is free. */
  private void sendFullPart() {
    RuntimeException refused = null;
    synchronized (lock) {
      if (sent + 2 > MultipartUpload.MAX_PARTS) { // this part, and the last after it
        refused =
            new IllegalArgumentException(
                "'"
                    + parts.key()
                    + "' needs more than "
                    + MultipartUpload.MAX_PARTS
                    + " parts of "
                    + partSize
                    + " bytes");
      }
      while (refused == null && inFlight >= maxInFlight && failure == null) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          refused =
              new ObjectStoreException(
                  "interrupted while waiting to send a part of '" + parts.key() + "'", false, e);
        }
      }
      if (refused == null && failure != null) {
        throw failure;
      }
    }
    if (refused != null) {
      fail(refused); // outside the lock: the abort it starts may call into the store
    }
    ByteBuffer part = current.flip();
    current = null;
    send(part);
  }

  /** Records {@code e} as the upload's failure, aborts the upload and throws it. */
  private void fail(RuntimeException e) {
    synchronized (lock) {
      if (failure == null) {
        failure = e;
      }
    }
    abortParts();
    throw e;
  }

  /**
   * Sends {@code part} as the next part, starting the upload with the first; returns its number.
   *
   * @throws RuntimeException the upload's failure, if it failed meanwhile (nothing is sent)
   */
  private int send(ByteBuffer part) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    int number;
    CompletableFuture<Void> begun;
    synchronized (lock) {
      if (aborting != null) { // a part failed since the caller looked: the abort must not wait
        throw failure != null ? failure : new IllegalStateException("upload was aborted");
      }
      number = ++sent;
      inFlight++;
      sentParts.add(done); // before it is sent, so that an abort waits for it
      begun = started;
    }
    if (begun == null) {
      begun = request(parts::start);
      synchronized (lock) {
        started = begun;
      }
    }
    begun
        .thenCompose(v -> parts.uploadPart(number, part))
        .whenComplete(
            (v, error) -> {
              partDone(part, error);
              if (error == null) {
                done.complete(null);
              } else {
                done.completeExceptionally(error);
              }
            });
    return number;
  }

  private void partDone(ByteBuffer part, Throwable error) {
    boolean first = false;
    synchronized (lock) {
      inFlight--;
      if (error != null && failure == null) {
        failure = Futures.unwrap(error);
        first = true;
      }
      // Back in the pool before the writer wakes, or it would allocate a buffer more.
      buffers.done(part, error == null);
      lock.notifyAll();
    }
    if (first) {
      abortParts();
    }
  }

  /** Aborts the multipart upload, if one was started, once every part sent has settled. Once. */
  private CompletableFuture<Void> abortParts() {
    CompletableFuture<?>[] settled;
    CompletableFuture<Void> begun;
    synchronized (lock) {
      if (aborting != null) {
        return aborting;
      }
      aborting = new CompletableFuture<>();
      settled =
          sentParts.stream().map(f -> f.handle((v, e) -> null)).toArray(CompletableFuture[]::new);
      begun = started;
    }
    CompletableFuture<Void> result = aborting;
    if (begun == null) {
      result.complete(null); // nothing was sent, nothing to discard
      return result;
    }
    CompletableFuture.allOf(settled)
        .thenCompose(v -> request(parts::abort))
        .whenComplete((v, e) -> result.complete(null));
    return result;
  }

  private static <T> CompletableFuture<T> request(Supplier<CompletableFuture<T>> request) {
    try {
      return request.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public String toString() {
    return "upload of '" + parts.key() + "' to " + store;
  }
}
