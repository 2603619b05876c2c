package dev.shaledb.objectstore;

import java.util.Arrays;

/**
 * Resolves a {@link ByteRange} against an object's bytes, with S3's rules for the edges.
 *
 * <p>A shared basic for store implementations, public so that stores in other modules (the S3
 * store) cut ranges exactly as the built-in ones do; not for callers of a store.
 */
public final class RangeSlicer {
  /** An object's metadata and all of its bytes. */
  public record Source(ObjectMeta meta, byte[] data) {}

  private RangeSlicer() {}

  /**
   * The absolute [start, end) of {@code range} in an object of {@code size} bytes.
   *
   * @throws InvalidRangeException if the range starts at or beyond the end (S3's 416)
   */
  public static long[] resolve(String key, ByteRange range, long size) {
    if (range instanceof ByteRange.Bounded b) {
      if (b.offset() >= size) {
        throw new InvalidRangeException(key, range, size);
      }
      return new long[] {b.offset(), Math.min(size, b.offset() + b.length())};
    }
    if (range instanceof ByteRange.Suffix s) {
      if (size == 0) {
        throw new InvalidRangeException(key, range, size);
      }
      return new long[] {Math.max(0, size - s.length()), size};
    }
    return new long[] {0, size};
  }

  /** The bytes of {@code range} of {@code source}; fails as {@link #resolve} does. */
  public static ObjectContent slice(Source source, ByteRange range) {
    long[] span = resolve(source.meta().key(), range, source.data().length);
    byte[] data = Arrays.copyOfRange(source.data(), (int) span[0], (int) span[1]);
    return new ObjectContent(source.meta(), span[0], data);
  }
}
