package dev.shaledb.wal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Builds WAL bytes by hand, bypassing the encoder's checks, so that tests can present the decoder
 * with what a buggy, foreign or damaged writer could leave behind.
 */
final class RawWal {
  private RawWal() {}

  /** The version field of an encoded object. */
  static int version(byte[] object) {
    return ByteBuffer.wrap(object).getShort(4) & 0xffff;
  }

  /** The raw bytes of an entry: kind byte, key, the expiry if not null, then {@code rest}. */
  static byte[] entry(int kindByte, byte[] key, Long expiry, byte[] rest) {
    ByteBuffer out = ByteBuffer.allocate(1 + 2 + key.length + 8 + rest.length);
    out.put((byte) kindByte).putShort((short) key.length).put(key);
    if (expiry != null) {
      out.putLong(expiry);
    }
    out.put(rest);
    return Arrays.copyOf(out.array(), out.position());
  }

  static byte[] value(byte[] value) {
    return ByteBuffer.allocate(4 + value.length).putInt(value.length).put(value).array();
  }

  static byte[] rangeEnd(byte[] end) {
    return ByteBuffer.allocate(2 + end.length).putShort((short) end.length).put(end).array();
  }

  /**
   * A WAL object claiming {@code version} with one batch of the raw {@code entries}, every checksum
   * valid: what a buggy or foreign writer could produce, which only the entry checks can catch.
   */
  static byte[] forged(long walId, int version, byte[]... entries) {
    int size = BatchCodec.FIXED_BYTES;
    for (byte[] e : entries) {
      size += e.length;
    }
    ByteBuffer batch = ByteBuffer.allocate(size);
    batch.putInt(size - 4).putLong(1).putInt(entries.length);
    for (byte[] e : entries) {
      batch.put(e);
    }
    batch.putInt(WalCodec.crc(batch.array(), 0, size - 4));
    byte[] bytes =
        WalCodec.encode(
            new WalObjectHeader(walId, 3, walId - 1, new UUID(5, 6), false, 1),
            List.of(new BatchCodec.Encoded(batch.array(), 1)));
    bytes[4] = (byte) (version >>> 8);
    bytes[5] = (byte) version;
    resealHeader(bytes);
    resealTrailer(bytes);
    return bytes;
  }

  static void resealTrailer(byte[] bytes) {
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, WalCodec.crc(bytes, 0, bytes.length - 4));
  }

  static void resealHeader(byte[] bytes) {
    ByteBuffer.wrap(bytes)
        .putInt(WalObjectHeader.SIZE - 4, WalCodec.crc(bytes, 0, WalObjectHeader.SIZE - 4));
  }
}
