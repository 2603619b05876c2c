package dev.shaledb.sst;

import dev.shaledb.error.CorruptObjectException;

/**
 * Bounds-checked decoding of a verified block payload. Any overrun or out-of-range value is
 * reported as corruption of the block at {@code blockOffset} of the object.
 */
final class LittleEndianReader {
  private final String objectKey;
  private final long blockOffset;
  private final String what;
  private final byte[] data;
  private final int start;
  private final int limit;
  private int pos;

  LittleEndianReader(
      String objectKey, long blockOffset, String what, byte[] data, int start, int limit) {
    this.objectKey = objectKey;
    this.blockOffset = blockOffset;
    this.what = what;
    this.data = data;
    this.start = start;
    this.limit = limit;
    this.pos = start;
  }

  int position() {
    return pos;
  }

  void seek(int position) {
    if (position < start || position > limit) {
      throw corrupt("position " + (position - start) + " outside the " + what);
    }
    pos = position;
  }

  boolean hasRemaining() {
    return pos < limit;
  }

  int u8() {
    need(1);
    return data[pos++] & 0xFF;
  }

  int intLE() {
    need(4);
    int v = Bytes.getIntLE(data, pos);
    pos += 4;
    return v;
  }

  long varint64(String field) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = u8();
      if (shift == 63 && (b & 0x7E) != 0) {
        break;
      }
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw corrupt("varint " + field + " overflows 64 bits");
  }

  /** A varint that must lie in [min, max]. */
  long varint(String field, long min, long max) {
    long v = varint64(field);
    if (v < min || v > max) {
      throw corrupt(field + " " + Long.toUnsignedString(v) + " outside [" + min + ", " + max + "]");
    }
    return v;
  }

  int varint32(String field, int min, int max) {
    return (int) varint(field, min, max);
  }

  byte[] bytes(int length) {
    need(length);
    byte[] out = new byte[length];
    System.arraycopy(data, pos, out, 0, length);
    pos += length;
    return out;
  }

  void skip(int length) {
    need(length);
    pos += length;
  }

  void expectEnd() {
    if (pos != limit) {
      throw corrupt((limit - pos) + " unexpected trailing bytes");
    }
  }

  CorruptObjectException corrupt(String problem) {
    return new CorruptObjectException(
        objectKey, blockOffset, problem + " (at byte " + (pos - start) + " of the " + what + ")");
  }

  private void need(int n) {
    if (n < 0 || limit - pos < n) {
      throw corrupt("needs " + n + " more bytes but " + (limit - pos) + " remain");
    }
  }
}
