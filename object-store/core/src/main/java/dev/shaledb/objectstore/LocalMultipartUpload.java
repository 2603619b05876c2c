package dev.shaledb.objectstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * A multipart upload into a {@link LocalFileObjectStore}: one temporary file in the store's
 * temporary folder, each part written at its place in it ({@link UploadParts#offset}) as it comes,
 * so parts may arrive in any order and be written again. {@link #complete} fsyncs the file and
 * publishes it as an unconditional put does (rename over the key's file, fsync the directory), so
 * the object appears whole or not at all; {@link #abort} deletes the file. A file left by a process
 * that died mid-upload is removed like any stale temporary file when a store next opens on the
 * directory ({@link LocalFileObjectStore#STALE_TEMP_AGE}).
 */
final class LocalMultipartUpload extends StoreMultipartUpload {
  private enum State {
    NEW,
    WRITING,
    SYNCED, // written and fsynced, not yet published (a completion failed after the fsync)
    PUBLISHED,
    ABORTED
  }

  private final LocalFileObjectStore store;
  private final Path temp;
  private State state = State.NEW; // guarded by this
  private FileChannel channel; // guarded by this; open while WRITING
  private ObjectMeta published; // guarded by this

  LocalMultipartUpload(LocalFileObjectStore store, String key, long partSize, Path temp) {
    super(key, partSize);
    this.store = store;
    this.temp = temp;
  }

  @Override
  public CompletableFuture<Void> start() {
    return store.submit(
        () -> {
          synchronized (this) {
            if (state == State.NEW) {
              channel =
                  FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
              state = State.WRITING;
            } else if (state == State.ABORTED) {
              throw aborted();
            } // else started already: a repeated start
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> uploadPart(int number, ByteBuffer data) {
    try {
      parts.check(number, data.remaining());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    ByteBuffer bytes = data.duplicate();
    int length = bytes.remaining();
    return store.submit(
        () -> {
          FileChannel file = writingChannel();
          // Positional writes at distinct offsets: parts in flight together do not interfere.
          long position = parts.offset(number);
          while (bytes.hasRemaining()) {
            position += file.write(bytes, position);
          }
          parts.received(number, length);
          return null;
        });
  }

  private synchronized FileChannel writingChannel() {
    if (state == State.ABORTED) {
      throw aborted();
    }
    if (state != State.WRITING) {
      throw new IllegalStateException(
          "upload of '"
              + key
              + "' is "
              + state.name().toLowerCase(Locale.ROOT)
              + ", not taking parts");
    }
    return channel;
  }

  @Override
  public CompletableFuture<ObjectMeta> complete(int count) {
    return store.submit(
        () -> {
          synchronized (this) {
            switch (state) {
              case PUBLISHED:
                return published; // a repeat: answers as the first did
              case ABORTED:
                throw aborted();
              case NEW:
                throw notStarted();
              case WRITING:
                long size = parts.objectSize(count);
                channel.truncate(size); // a last part sent again shorter leaves no tail
                channel.force(true);
                channel.close();
                state = State.SYNCED;
                break;
              case SYNCED:
                break;
            }
            published = store.publish(key, temp, PutCondition.none());
            state = State.PUBLISHED;
            return published;
          }
        });
  }

  /** Runs on the caller's thread, so that it also works once the store's pool is shut down. */
  @Override
  public synchronized CompletableFuture<Void> abort() {
    if (state != State.PUBLISHED) {
      state = State.ABORTED;
      try {
        if (channel != null) {
          channel.close();
        }
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // Best effort, as promised: a stale temporary file is removed when a store next opens.
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public String toString() {
    return "upload of '" + key + "' to " + store;
  }
}
