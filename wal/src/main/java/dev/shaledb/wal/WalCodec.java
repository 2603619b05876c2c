package dev.shaledb.wal;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.UnsupportedFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The WAL object format (see {@code docs/formats/wal.md}): a 56-byte header with its own CRC32C,
 * the batches, and a CRC32C of everything before it.
 *
 * <p>An object is written in the lowest version that can hold its batches: version 1 while every
 * entry is a PUT or DELETE without expiry, so that older readers keep reading objects that need
 * nothing new, and version 2 otherwise.
 */
final class WalCodec {
  static final int MAGIC = 0x5348574C; // "SHWL"
  static final int VERSION_1 = 1;
  static final int VERSION_2 = 2;

  /** The newest version this build reads and writes. */
  static final int VERSION = VERSION_2;

  static final int FLAG_FENCE = 1;
  private static final int HEADER_CRC_AT = WalObjectHeader.SIZE - 4;
  private static final int TRAILER_BYTES = 4;

  private WalCodec() {}

  /** Encodes an object with the already encoded {@code batches} (none for a fence). */
  static byte[] encode(WalObjectHeader header, List<BatchCodec.Encoded> batches) {
    int size = WalObjectHeader.SIZE + TRAILER_BYTES;
    int version = VERSION_1;
    for (BatchCodec.Encoded b : batches) {
      size += b.length();
      version = Math.max(version, b.version());
    }
    if (batches.size() != header.batchCount()) {
      throw new IllegalArgumentException("header batch count does not match the batches");
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(MAGIC).putShort((short) version).putShort((short) (header.fence() ? FLAG_FENCE : 0));
    out.putLong(header.epoch()).putLong(header.walId()).putLong(header.prevId());
    out.putLong(header.writeId().getMostSignificantBits());
    out.putLong(header.writeId().getLeastSignificantBits());
    out.putInt(header.batchCount());
    out.putInt(crc(out.array(), 0, HEADER_CRC_AT));
    for (BatchCodec.Encoded b : batches) {
      out.put(b.bytes());
    }
    out.putInt(crc(out.array(), 0, size - TRAILER_BYTES));
    return out.array();
  }

  /** Decodes a whole object read from {@code key}, which must hold WAL id {@code walId}. */
  static WalObject decode(String key, long walId, byte[] data) {
    if (data.length < WalObjectHeader.FENCE_OBJECT_SIZE) {
      throw new CorruptObjectException(
          key, -1, "WAL object of " + data.length + " bytes is shorter than a fence (torn?)");
    }
    checkMagic(key, data);
    // Every format version ends with a CRC32C of all bytes before it, so a newer version is
    // recognised as intact before it is refused.
    int crcAt = data.length - TRAILER_BYTES;
    if (crc(data, 0, crcAt) != ByteBuffer.wrap(data).getInt(crcAt)) {
      throw new CorruptObjectException(
          key, crcAt, "WAL object checksum mismatch (torn or damaged)");
    }
    WalObjectHeader header = decodeHeader(key, walId, data);
    int version = version(data);
    if (header.fence() && data.length != WalObjectHeader.FENCE_OBJECT_SIZE) {
      throw new CorruptObjectException(key, WalObjectHeader.SIZE, "fence object carries data");
    }
    ByteBuffer in = ByteBuffer.wrap(data, 0, crcAt).position(WalObjectHeader.SIZE);
    List<WalBatch> batches = new ArrayList<>(header.batchCount());
    for (int i = 0; i < header.batchCount(); i++) {
      if (!in.hasRemaining()) {
        throw new CorruptObjectException(
            key, in.position(), "header promises " + header.batchCount() + " batches, found " + i);
      }
      batches.add(BatchCodec.decode(key, in, version));
    }
    if (in.hasRemaining()) {
      throw new CorruptObjectException(key, in.position(), "stray bytes after the last batch");
    }
    return new WalObject(header, batches);
  }

  /** Decodes the header at the start of {@code data} (at least {@link WalObjectHeader#SIZE}). */
  static WalObjectHeader decodeHeader(String key, long walId, byte[] data) {
    if (data.length < WalObjectHeader.SIZE) {
      throw new CorruptObjectException(
          key, -1, "WAL object of " + data.length + " bytes is shorter than its header");
    }
    checkMagic(key, data);
    ByteBuffer in = ByteBuffer.wrap(data);
    // The checksum first: a flipped version byte is damage, not a newer format.
    if (crc(data, 0, HEADER_CRC_AT) != in.getInt(HEADER_CRC_AT)) {
      throw new CorruptObjectException(key, HEADER_CRC_AT, "WAL header checksum mismatch");
    }
    checkVersion(key, data);
    int flags = in.getShort(6) & 0xffff;
    if ((flags & ~FLAG_FENCE) != 0) {
      throw new CorruptObjectException(key, 6, "unknown WAL flags 0x" + Integer.toHexString(flags));
    }
    long epoch = in.getLong(8);
    long id = in.getLong(16);
    if (id != walId) {
      throw new CorruptObjectException(key, 16, "object says WAL id " + id + ", its key " + walId);
    }
    try {
      return new WalObjectHeader(
          id,
          epoch,
          in.getLong(24),
          new UUID(in.getLong(32), in.getLong(40)),
          (flags & FLAG_FENCE) != 0,
          in.getInt(48));
    } catch (IllegalArgumentException invalid) {
      throw new CorruptObjectException(
          key, 8, "invalid WAL header: " + invalid.getMessage(), invalid);
    }
  }

  private static void checkMagic(String key, byte[] data) {
    if (ByteBuffer.wrap(data).getInt(0) != MAGIC) {
      throw new CorruptObjectException(key, 0, "not a ShaleDB WAL object (bad magic)");
    }
  }

  private static int version(byte[] data) {
    return ByteBuffer.wrap(data).getShort(4) & 0xffff;
  }

  private static void checkVersion(String key, byte[] data) {
    int version = version(data);
    if (version > VERSION) {
      throw new UnsupportedFormatException(key, "WAL", version, VERSION);
    }
    if (version == 0) {
      throw new CorruptObjectException(key, 4, "WAL format version 0");
    }
  }

  static int crc(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    return (int) crc.getValue();
  }
}
