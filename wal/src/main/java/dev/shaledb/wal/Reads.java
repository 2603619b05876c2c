package dev.shaledb.wal;

import dev.shaledb.error.CorruptObjectException;
import java.nio.ByteBuffer;

/** Bounds-checked big-endian reads that report overruns as corruption of the named object. */
final class Reads {
  private final String key;
  private final ByteBuffer in;

  Reads(String key, ByteBuffer in) {
    this.key = key;
    this.in = in;
  }

  int position() {
    return in.position();
  }

  int u8(String what) {
    need(1, what);
    return in.get() & 0xff;
  }

  int u16(String what) {
    need(2, what);
    return in.getShort() & 0xffff;
  }

  int u32(String what) {
    need(4, what);
    return in.getInt();
  }

  long u64(String what) {
    need(8, what);
    return in.getLong();
  }

  byte[] bytes(int length, String what) {
    need(length, what);
    byte[] out = new byte[length];
    in.get(out);
    return out;
  }

  CorruptObjectException corruptAt(long offset, String problem) {
    return new CorruptObjectException(key, offset, problem);
  }

  private void need(int n, String what) {
    if (n < 0 || in.remaining() < n) {
      throw corruptAt(
          in.position(),
          "truncated " + what + ": needs " + n + " bytes, " + in.remaining() + " left");
    }
  }
}
