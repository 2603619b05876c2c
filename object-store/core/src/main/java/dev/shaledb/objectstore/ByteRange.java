package dev.shaledb.objectstore;

/** Which bytes of an object a {@link ObjectStore#get(String, ByteRange)} returns. */
public sealed interface ByteRange {

  /** The whole object. */
  static ByteRange all() {
    return All.INSTANCE;
  }

  /** {@code length} bytes from {@code offset}, cut at the end of the object. */
  static ByteRange of(long offset, long length) {
    return new Bounded(offset, length);
  }

  /** The last {@code length} bytes, or the whole object if it is shorter. */
  static ByteRange suffix(long length) {
    return new Suffix(length);
  }

  /** The whole object; see {@link ByteRange#all()}. */
  enum All implements ByteRange {
    INSTANCE
  }

  /**
   * See {@link ByteRange#of(long, long)}. The offset must lie inside the object, otherwise the read
   * fails with {@link InvalidRangeException}.
   */
  record Bounded(long offset, long length) implements ByteRange {
    public Bounded {
      if (offset < 0) {
        throw new IllegalArgumentException("offset is negative: " + offset);
      }
      if (length <= 0) {
        throw new IllegalArgumentException("length is not positive: " + length);
      }
      if (offset + length < 0) {
        throw new IllegalArgumentException("offset + length overflows: " + offset + " + " + length);
      }
    }
  }

  /** See {@link ByteRange#suffix(long)}. A suffix of an empty object is an invalid range. */
  record Suffix(long length) implements ByteRange {
    public Suffix {
      if (length <= 0) {
        throw new IllegalArgumentException("length is not positive: " + length);
      }
    }
  }
}
