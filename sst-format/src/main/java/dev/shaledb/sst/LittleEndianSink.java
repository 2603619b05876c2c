package dev.shaledb.sst;

import java.util.Arrays;

/** A growable byte array with little-endian and varint writers. */
final class LittleEndianSink {
  private byte[] buf;
  private int size;

  LittleEndianSink(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  int size() {
    return size;
  }

  byte[] array() {
    return buf;
  }

  void reset() {
    size = 0;
  }

  void writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  void write(byte[] src, int off, int len) {
    ensure(len);
    System.arraycopy(src, off, buf, size, len);
    size += len;
  }

  void write(byte[] src) {
    write(src, 0, src.length);
  }

  void writeIntLE(int v) {
    ensure(4);
    Bytes.putIntLE(buf, size, v);
    size += 4;
  }

  void writeLongLE(long v) {
    ensure(8);
    Bytes.putLongLE(buf, size, v);
    size += 8;
  }

  /** Unsigned LEB128: 7 bits per byte, least significant group first, high bit = more follow. */
  void writeVarint(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
  }

  /** Makes room for {@code extra} more bytes. */
  void ensure(int extra) {
    long needed = (long) size + extra;
    if (needed > buf.length) {
      if (needed > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("buffer would exceed 2 GiB");
      }
      // Doubling while small; beyond 8 MiB grow by half, to bound the slack a big table carries.
      long step = buf.length < (8 << 20) ? buf.length : buf.length / 2;
      long grown = Math.max(needed, Math.min((long) buf.length + step, Integer.MAX_VALUE - 8));
      buf = Arrays.copyOf(buf, (int) grown);
    }
  }
}
