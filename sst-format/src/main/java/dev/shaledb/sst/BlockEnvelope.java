package dev.shaledb.sst;

import com.github.luben.zstd.Zstd;
import dev.shaledb.error.CorruptObjectException;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The stored form shared by every block: the payload (compressed or not), then a 9-byte trailer of
 * u32 raw (uncompressed) length, u8 codec id and u32 CRC32C over the payload, the first five
 * trailer bytes and the block's {@link BlockBinding}. Opening a block verifies the checksum before
 * anything else looks at the bytes.
 */
final class BlockEnvelope {
  static final int TRAILER_SIZE = 9;

  /** Raw payloads up to 1 GiB; bigger lengths in a trailer are corruption, not allocations. */
  static final int MAX_RAW_LENGTH = 1 << 30;

  private static final LZ4SafeDecompressor LZ4 = LZ4Factory.fastestInstance().safeDecompressor();

  private BlockEnvelope() {}

  /** An uncompressed payload: {@code length} bytes of {@code data} from {@code offset}. */
  record Raw(byte[] data, int offset, int length) {}

  /**
   * Fills the first five bytes of {@code t} (the trailer) and returns the CRC to store after them
   * for the block to be written at {@code blockOffset}.
   */
  static int trailerCrc(
      byte[] payload,
      int len,
      int rawLength,
      CompressionCodec codec,
      byte[] t,
      BlockBinding binding,
      long blockOffset) {
    Bytes.putIntLE(t, 0, rawLength);
    t[4] = (byte) codec.id();
    CRC32C crc = new CRC32C();
    crc.update(payload, 0, len);
    crc.update(t, 0, 5);
    binding.update(crc, blockOffset);
    return (int) crc.getValue();
  }

  /**
   * Whether the block stored in {@code stored[off, off + len)} at {@code blockOffset} has a
   * matching checksum: the check of {@link #open} alone, without decompressing.
   */
  static boolean intact(BlockBinding binding, long blockOffset, byte[] stored, int off, int len) {
    if (len < TRAILER_SIZE) {
      return false;
    }
    int payloadLen = len - TRAILER_SIZE;
    CRC32C crc = new CRC32C();
    crc.update(stored, off, payloadLen + 5);
    binding.update(crc, blockOffset);
    return (int) crc.getValue() == Bytes.getIntLE(stored, off + payloadLen + 5);
  }

  /**
   * Verifies and uncompresses the block stored in {@code stored[off, off + len)}, which lies at
   * {@code blockOffset} of the object.
   */
  static Raw open(
      String objectKey,
      BlockBinding binding,
      long blockOffset,
      String what,
      byte[] stored,
      int off,
      int len) {
    if (len < TRAILER_SIZE) {
      throw new CorruptObjectException(
          objectKey, blockOffset, what + " of " + len + " bytes is shorter than its trailer");
    }
    int payloadLen = len - TRAILER_SIZE;
    int trailer = off + payloadLen;
    CRC32C crc = new CRC32C();
    crc.update(stored, off, payloadLen + 5);
    binding.update(crc, blockOffset);
    int expected = Bytes.getIntLE(stored, trailer + 5);
    if ((int) crc.getValue() != expected) {
      throw new CorruptObjectException(
          objectKey,
          blockOffset,
          what + " checksum mismatch (damaged, or a block of another table or offset)");
    }
    long rawLength = Bytes.getUnsignedIntLE(stored, trailer);
    CompressionCodec codec = CompressionCodec.fromId(stored[trailer + 4] & 0xFF);
    if (codec == null) {
      throw new CorruptObjectException(
          objectKey, blockOffset, what + " has unknown codec id " + (stored[trailer + 4] & 0xFF));
    }
    if (codec == CompressionCodec.NONE) {
      if (rawLength != payloadLen) {
        throw new CorruptObjectException(
            objectKey,
            blockOffset,
            what + " is stored raw but its raw length " + rawLength + " != " + payloadLen);
      }
      return new Raw(stored, off, payloadLen);
    }
    if (rawLength > MAX_RAW_LENGTH) {
      throw new CorruptObjectException(
          objectKey, blockOffset, what + " claims a raw length of " + rawLength + " bytes");
    }
    byte[] raw = new byte[(int) rawLength];
    int got = decompress(objectKey, blockOffset, what, codec, stored, off, payloadLen, raw);
    if (got != rawLength) {
      throw new CorruptObjectException(
          objectKey, blockOffset, what + " uncompressed to " + got + " bytes, not " + rawLength);
    }
    return new Raw(raw, 0, raw.length);
  }

  private static int decompress(
      String objectKey,
      long blockOffset,
      String what,
      CompressionCodec codec,
      byte[] src,
      int off,
      int len,
      byte[] dst) {
    try {
      if (codec == CompressionCodec.LZ4) {
        return LZ4.decompress(src, off, len, dst, 0, dst.length);
      }
      long n = Zstd.decompressByteArray(dst, 0, dst.length, src, off, len);
      if (Zstd.isError(n)) {
        throw new IllegalStateException(Zstd.getErrorName(n));
      }
      return (int) n;
    } catch (RuntimeException e) {
      throw new CorruptObjectException(
          objectKey, blockOffset, what + " does not decompress with " + codec, e);
    }
  }
}
