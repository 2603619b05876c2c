package dev.shaledb.manifest;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Edits of encoded manifests for tests: find, drop or add a field, and reseal the checksum. */
final class ManifestBytes {
  private ManifestBytes() {}

  /** The offset of field {@code tag}'s header in {@code bytes}, or -1 if it has no such field. */
  static int indexOfField(byte[] bytes, int tag) {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    int pos = ManifestCodec.HEADER_BYTES;
    while (pos < bytes.length - ManifestCodec.TRAILER_BYTES) {
      int t = buf.getShort(pos) & 0xffff;
      if (t == tag) {
        return pos;
      }
      pos += 6 + buf.getInt(pos + 2);
    }
    return -1;
  }

  /** The value length of field {@code tag}, which {@code bytes} must have. */
  static int fieldLength(byte[] bytes, int tag) {
    return ByteBuffer.wrap(bytes).getInt(requireField(bytes, tag) + 2);
  }

  /** The value of field {@code tag}, which {@code bytes} must have. */
  static byte[] fieldValue(byte[] bytes, int tag) {
    int at = requireField(bytes, tag);
    return java.util.Arrays.copyOfRange(bytes, at + 6, at + 6 + fieldLength(bytes, tag));
  }

  /** {@code bytes} without field {@code tag}, resealed; the header is otherwise unchanged. */
  static byte[] withoutField(byte[] bytes, int tag) {
    int at = requireField(bytes, tag);
    int fieldBytes = 6 + ByteBuffer.wrap(bytes).getInt(at + 2);
    BigEndianSink out = new BigEndianSink(bytes.length);
    out.bytes(bytes, 0, at);
    out.bytes(bytes, at + fieldBytes, bytes.length - 4 - at - fieldBytes);
    out.patchU32(8, out.size() - ManifestCodec.HEADER_BYTES);
    return sealed(out);
  }

  /** {@code bytes} with field {@code tag} appended after the others, resealed. */
  static byte[] withExtraField(byte[] bytes, int tag, byte[] value) {
    BigEndianSink out = new BigEndianSink(bytes.length + 6 + value.length);
    out.bytes(bytes, 0, bytes.length - 4);
    out.u16(tag).u32(value.length).bytes(value);
    out.patchU32(8, out.size() - ManifestCodec.HEADER_BYTES);
    return sealed(out);
  }

  /** The bytes written to {@code out} followed by their CRC32C. */
  static byte[] sealed(BigEndianSink out) {
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.size());
    out.u32((int) crc.getValue());
    return out.toByteArray();
  }

  /** Recomputes the CRC32C trailer of {@code bytes} in place. */
  static void reseal(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
  }

  private static int requireField(byte[] bytes, int tag) {
    int at = indexOfField(bytes, tag);
    if (at < 0) {
      throw new IllegalArgumentException("no field 0x" + Integer.toHexString(tag));
    }
    return at;
  }
}
