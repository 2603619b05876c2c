package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Reads byte ranges of one stored table. The engine implements it over the object store (and its
 * caches); {@link #of(byte[])} serves a table held in memory.
 *
 * <p>Calls may block. Implementations must be thread-safe: one {@link SstReader} serves many
 * threads. Store failures (a missing object, I/O errors) propagate unchanged as unchecked
 * exceptions; the reader adds {@link dev.shaledb.error.CorruptObjectException} when the bytes it
 * gets are wrong.
 */
public interface RangeReader {

  /**
   * Returns the bytes {@code [offset, offset + length)} of the object, or fewer if the object ends
   * earlier (the reader reports that as a truncated object).
   */
  byte[] read(long offset, int length);

  /**
   * Starts reading {@code [offset, offset + length)} as {@link #read} does, without waiting: a
   * multi-key read issues many at once. The default reads now; readers over a store with an
   * asynchronous API override it. Failures complete the future exceptionally.
   */
  default CompletableFuture<byte[]> readAsync(long offset, int length) {
    try {
      return CompletableFuture.completedFuture(read(offset, length));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Returns the last {@code min(length, size)} bytes of the object together with its size, in one
   * request (an HTTP suffix range on S3).
   */
  Tail readTail(int length);

  /**
   * The end of an object.
   *
   * @param objectSize the whole object's size in bytes
   * @param bytes its last {@code bytes.length} bytes
   */
  record Tail(long objectSize, byte[] bytes) {
    public Tail {
      requireNonNull(bytes, "bytes is null");
      if (bytes.length > objectSize) {
        throw new IllegalArgumentException(
            bytes.length + " tail bytes exceed the object size " + objectSize);
      }
    }
  }

  /** A reader over a table held in memory; the array is not copied and must not change. */
  static RangeReader of(byte[] object) {
    requireNonNull(object, "object is null");
    return new RangeReader() {
      @Override
      public byte[] read(long offset, int length) {
        if (offset < 0 || length < 0) {
          throw new IllegalArgumentException("bad range " + offset + "+" + length);
        }
        int from = (int) Math.min(offset, object.length);
        int to = (int) Math.min(offset + length, object.length);
        return Arrays.copyOfRange(object, from, to);
      }

      @Override
      public Tail readTail(int length) {
        if (length <= 0) {
          throw new IllegalArgumentException("length is not positive: " + length);
        }
        int n = Math.min(length, object.length);
        return new Tail(
            object.length, Arrays.copyOfRange(object, object.length - n, object.length));
      }
    };
  }
}
