package dev.shaledb.sst;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.HexFormat;

/** Little-endian fixed-width access to byte arrays, and key formatting for messages. */
final class Bytes {
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final int DESCRIBE_LIMIT = 32;

  private Bytes() {}

  static int getIntLE(byte[] b, int off) {
    return (int) INT_LE.get(b, off);
  }

  static long getUnsignedIntLE(byte[] b, int off) {
    return getIntLE(b, off) & 0xFFFF_FFFFL;
  }

  static void putIntLE(byte[] b, int off, int v) {
    INT_LE.set(b, off, v);
  }

  static long getLongLE(byte[] b, int off) {
    return (long) LONG_LE.get(b, off);
  }

  static void putLongLE(byte[] b, int off, long v) {
    LONG_LE.set(b, off, v);
  }

  /**
   * Up to 8 bytes of {@code b[off, off + len)} as a big-endian long, zero-padded on the right: for
   * two byte strings, unequal windows order like the strings themselves.
   */
  static long windowBE(byte[] b, int off, int len) {
    if (len >= 8) {
      return (long) LONG_BE.get(b, off);
    }
    long w = 0;
    for (int i = 0; i < 8; i++) {
      w = (w << 8) | (i < len ? b[off + i] & 0xFF : 0);
    }
    return w;
  }

  /** Hex of the first bytes of {@code b}, for error messages and toString. */
  static String describe(byte[] b) {
    String hex = HexFormat.of().formatHex(b, 0, Math.min(b.length, DESCRIBE_LIMIT));
    return b.length <= DESCRIBE_LIMIT ? "0x" + hex : "0x" + hex + "...(" + b.length + " bytes)";
  }
}
