package dev.shaledb.manifest;

import java.util.Arrays;

/** A growable big-endian byte buffer for encoding. */
final class BigEndianSink {
  private byte[] buf;
  private int size;

  BigEndianSink(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  int size() {
    return size;
  }

  BigEndianSink u8(int v) {
    ensure(1);
    buf[size++] = (byte) v;
    return this;
  }

  BigEndianSink u16(int v) {
    ensure(2);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
    return this;
  }

  BigEndianSink u32(int v) {
    ensure(4);
    for (int shift = 24; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
    return this;
  }

  BigEndianSink u64(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
    return this;
  }

  BigEndianSink bytes(byte[] b) {
    return bytes(b, 0, b.length);
  }

  BigEndianSink bytes(byte[] b, int offset, int length) {
    ensure(length);
    System.arraycopy(b, offset, buf, size, length);
    size += length;
    return this;
  }

  /** Overwrites the 4 bytes at {@code position} (already written) with {@code v}. */
  void patchU32(int position, int v) {
    for (int i = 0; i < 4; i++) {
      buf[position + i] = (byte) (v >>> (24 - 8 * i));
    }
  }

  byte[] array() {
    return buf;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      long wanted = Math.max((long) buf.length * 2, (long) size + more);
      if (wanted > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("encoded manifest exceeds 2 GiB");
      }
      buf = Arrays.copyOf(buf, (int) wanted);
    }
  }
}
