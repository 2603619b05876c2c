package dev.shaledb.manifest;

import dev.shaledb.error.CorruptObjectException;

/**
 * Reads big-endian fields from a byte range of an object, reporting every overrun as {@link
 * CorruptObjectException} with the object's key and the absolute offset.
 */
final class BigEndianSource {
  private final String key;
  private final byte[] data;
  private final int end;
  private int pos;

  BigEndianSource(String key, byte[] data, int start, int end) {
    this.key = key;
    this.data = data;
    this.pos = start;
    this.end = end;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return end - pos;
  }

  int u8(String what) {
    need(1, what);
    return data[pos++] & 0xff;
  }

  int u16(String what) {
    need(2, what);
    int v = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
    pos += 2;
    return v;
  }

  int u32(String what) {
    need(4, what);
    int v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (data[pos++] & 0xff);
    }
    return v;
  }

  /** A u32 that must lie in {@code [0, max]}. */
  int length(String what, int max) {
    int at = pos;
    int v = u32(what);
    if (v < 0 || v > max) {
      throw corruptAt(at, what + " " + Integer.toUnsignedString(v) + " exceeds " + max);
    }
    return v;
  }

  long u64(String what) {
    need(8, what);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (data[pos++] & 0xff);
    }
    return v;
  }

  /** A u64 that must not be negative as a signed long. */
  long nonNegative(String what) {
    int at = pos;
    long v = u64(what);
    if (v < 0) {
      throw corruptAt(at, what + " is negative: " + v);
    }
    return v;
  }

  byte[] bytes(int length, String what) {
    need(length, what);
    byte[] out = new byte[length];
    System.arraycopy(data, pos, out, 0, length);
    pos += length;
    return out;
  }

  /** A sub-source over the next {@code length} bytes; this source skips past them. */
  BigEndianSource slice(int length, String what) {
    need(length, what);
    BigEndianSource slice = new BigEndianSource(key, data, pos, pos + length);
    pos += length;
    return slice;
  }

  void expectEnd(String what) {
    if (pos != end) {
      throw corruptAt(pos, (end - pos) + " unexpected bytes after " + what);
    }
  }

  CorruptObjectException corruptAt(long offset, String problem) {
    return new CorruptObjectException(key, offset, problem);
  }

  CorruptObjectException corruptAt(long offset, String problem, Throwable cause) {
    return new CorruptObjectException(key, offset, problem, cause);
  }

  private void need(int n, String what) {
    if (n < 0 || end - pos < n) {
      throw corruptAt(
          pos, "truncated " + what + ": needs " + n + " bytes, " + (end - pos) + " left");
    }
  }
}
