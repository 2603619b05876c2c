package dev.shaledb.sst;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.UnsupportedFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The fixed-size footer at the end of every table (layout in docs/formats/sst.md). Its last 20
 * bytes (footer length, format version, CRC32C, magic) keep their place in every format version, so
 * any reader can check the magic, verify the checksum and only then judge the version.
 *
 * <p>Version 2 adds the table's tag ({@link BlockBinding}), which every block checksum of the table
 * covers together with the block's offset; version 1 tables have none. Version 3 adds the length of
 * the range tombstone block, which lies between the filter and the metadata.
 */
record Footer(
    long objectLength,
    long indexOffset,
    int indexLength,
    int filterLength,
    int metaLength,
    int bodyCrc,
    long tableTag,
    int rangeTombstoneLength,
    int formatVersion) {
  /** The newest version this code reads; it writes version 2, or 3 for tables with tombstones. */
  static final int FORMAT_VERSION = 3;

  /** What a table without range tombstones is written as: byte for byte what it always was. */
  static final int VERSION_WITHOUT_RANGE_TOMBSTONES = 2;

  static final int SIZE_V1 = 52;
  static final int SIZE_V2 = 60;
  static final int SIZE_V3 = 64;
  static final int STABLE_SUFFIX = 20;
  static final int MAX_SIZE = 4096;
  static final byte[] MAGIC = "ShaleSST".getBytes(StandardCharsets.US_ASCII);
  static final String FORMAT_NAME = "SST";
  static final int MAX_TAIL_LENGTH = Integer.MAX_VALUE - 64;

  long filterOffset() {
    return indexOffset + Integer.toUnsignedLong(indexLength);
  }

  long rangeTombstoneOffset() {
    return filterOffset() + Integer.toUnsignedLong(filterLength);
  }

  long metaOffset() {
    return rangeTombstoneOffset() + Integer.toUnsignedLong(rangeTombstoneLength);
  }

  int tailLength() {
    return (int) (objectLength - indexOffset);
  }

  long start() {
    return objectLength - size(formatVersion);
  }

  /** The binding of this table's block checksums. */
  BlockBinding binding() {
    return formatVersion == 1 ? BlockBinding.NONE : BlockBinding.of(tableTag);
  }

  static int size(int formatVersion) {
    return formatVersion == 1 ? SIZE_V1 : formatVersion == 2 ? SIZE_V2 : SIZE_V3;
  }

  byte[] encode() {
    int size = size(formatVersion);
    byte[] b = new byte[size];
    Bytes.putLongLE(b, 0, objectLength);
    Bytes.putLongLE(b, 8, indexOffset);
    Bytes.putIntLE(b, 16, indexLength);
    Bytes.putIntLE(b, 20, filterLength);
    Bytes.putIntLE(b, 24, metaLength);
    Bytes.putIntLE(b, 28, bodyCrc);
    if (formatVersion >= 2) {
      Bytes.putLongLE(b, 32, tableTag);
    }
    if (formatVersion >= 3) {
      Bytes.putIntLE(b, 40, rangeTombstoneLength);
    }
    int suffix = size - STABLE_SUFFIX;
    Bytes.putIntLE(b, suffix, size);
    Bytes.putIntLE(b, suffix + 4, formatVersion);
    Bytes.putIntLE(b, suffix + 8, crc(b, 0, suffix + 8));
    System.arraycopy(MAGIC, 0, b, suffix + 12, MAGIC.length);
    return b;
  }

  /**
   * Checks the magic at {@code tail[end - 8, end)}, which is the end of an object of {@code
   * objectSize} bytes, and returns the footer length it announces.
   */
  static int footerLength(String key, byte[] tail, int end, long objectSize) {
    if (objectSize < STABLE_SUFFIX || end < STABLE_SUFFIX) {
      throw new CorruptObjectException(
          key, 0, "object of " + objectSize + " bytes is too short to be an " + FORMAT_NAME);
    }
    if (!Arrays.equals(tail, end - 8, end, MAGIC, 0, MAGIC.length)) {
      throw new CorruptObjectException(
          key, objectSize - 8, "no " + FORMAT_NAME + " magic: truncated or not an " + FORMAT_NAME);
    }
    long length = Bytes.getUnsignedIntLE(tail, end - STABLE_SUFFIX);
    if (length < STABLE_SUFFIX || length > MAX_SIZE || length > objectSize) {
      throw new CorruptObjectException(
          key, objectSize - STABLE_SUFFIX, "implausible footer length " + length);
    }
    return (int) length;
  }

  /** Decodes the footer ending at {@code tail[end]}; {@code footerLength} bytes must be there. */
  static Footer decode(String key, byte[] tail, int end, long objectSize, int footerLength) {
    int start = end - footerLength;
    long at = objectSize - footerLength;
    int stored = Bytes.getIntLE(tail, end - 12);
    if (crc(tail, start, footerLength - 12) != stored) {
      throw new CorruptObjectException(key, at, "footer checksum mismatch");
    }
    int version = Bytes.getIntLE(tail, end - 16);
    if (version > FORMAT_VERSION || version < 0) {
      throw new UnsupportedFormatException(key, FORMAT_NAME, version, FORMAT_VERSION);
    }
    if (version == 0 || footerLength != size(version)) {
      throw new CorruptObjectException(
          key, at, "footer of version " + version + " has length " + footerLength);
    }
    Footer f =
        new Footer(
            Bytes.getLongLE(tail, start),
            Bytes.getLongLE(tail, start + 8),
            Bytes.getIntLE(tail, start + 16),
            Bytes.getIntLE(tail, start + 20),
            Bytes.getIntLE(tail, start + 24),
            Bytes.getIntLE(tail, start + 28),
            version >= 2 ? Bytes.getLongLE(tail, start + 32) : 0,
            version >= 3 ? Bytes.getIntLE(tail, start + 40) : 0,
            version);
    f.validate(key, objectSize);
    return f;
  }

  private void validate(String key, long objectSize) {
    long at = objectSize - size(formatVersion);
    if (objectLength != objectSize) {
      throw new CorruptObjectException(
          key,
          at,
          "footer says the object has "
              + objectLength
              + " bytes but it has "
              + objectSize
              + ": truncated or extended");
    }
    long indexLen = Integer.toUnsignedLong(indexLength);
    long filterLen = Integer.toUnsignedLong(filterLength);
    long metaLen = Integer.toUnsignedLong(metaLength);
    long tombstonesLen = Integer.toUnsignedLong(rangeTombstoneLength);
    boolean ok =
        indexOffset >= 0
            && indexLen >= BlockEnvelope.TRAILER_SIZE
            && metaLen >= BlockEnvelope.TRAILER_SIZE
            && (filterLen == 0 || filterLen >= BlockEnvelope.TRAILER_SIZE)
            && (tombstonesLen == 0 || tombstonesLen >= BlockEnvelope.TRAILER_SIZE)
            && indexOffset + indexLen + filterLen + tombstonesLen + metaLen == start()
            && objectLength - indexOffset <= MAX_TAIL_LENGTH;
    if (!ok) {
      throw new CorruptObjectException(key, at, "footer block handles are inconsistent: " + this);
    }
  }

  private static int crc(byte[] b, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(b, off, len);
    return (int) crc.getValue();
  }
}
