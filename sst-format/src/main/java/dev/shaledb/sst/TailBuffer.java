package dev.shaledb.sst;

import dev.shaledb.error.CorruptObjectException;

/**
 * The suffix of a table that {@link SstReader#open} has read so far, extended with at most one more
 * read when the metadata region is longer than the first suffix read.
 */
final class TailBuffer {
  private final String objectKey;
  private final RangeReader reader;
  private final long objectSize;
  private byte[] bytes;

  private TailBuffer(String objectKey, RangeReader reader, long objectSize, byte[] bytes) {
    this.objectKey = objectKey;
    this.reader = reader;
    this.objectSize = objectSize;
    this.bytes = bytes;
  }

  static TailBuffer read(String objectKey, RangeReader reader, int length) {
    RangeReader.Tail tail = reader.readTail(length);
    if (tail == null) {
      throw new IllegalStateException("RangeReader.readTail returned null");
    }
    if (tail.bytes().length != Math.min(length, tail.objectSize())) {
      throw new CorruptObjectException(
          objectKey,
          Math.max(0, tail.objectSize() - tail.bytes().length),
          "suffix read returned "
              + tail.bytes().length
              + " bytes of an object of "
              + tail.objectSize());
    }
    return new TailBuffer(objectKey, reader, tail.objectSize(), tail.bytes());
  }

  long objectSize() {
    return objectSize;
  }

  byte[] bytes() {
    return bytes;
  }

  /** The absolute object offset of {@code bytes()[0]}. */
  long start() {
    return objectSize - bytes.length;
  }

  /** The index into {@link #bytes()} of the object offset {@code offset}. */
  int indexOf(long offset) {
    return (int) (offset - start());
  }

  /** Makes sure the buffer starts at or before object offset {@code from}. */
  void extendTo(long from) {
    long start = start();
    if (from >= start) {
      return;
    }
    int missing = (int) (start - from);
    byte[] more = reader.read(from, missing);
    if (more == null || more.length != missing) {
      throw new CorruptObjectException(
          objectKey,
          from,
          "read of " + missing + " bytes returned " + (more == null ? "null" : more.length));
    }
    byte[] joined = new byte[bytes.length + missing];
    System.arraycopy(more, 0, joined, 0, missing);
    System.arraycopy(bytes, 0, joined, missing, bytes.length);
    bytes = joined;
  }
}
