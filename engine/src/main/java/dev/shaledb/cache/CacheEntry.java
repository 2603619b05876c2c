package dev.shaledb.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The stored form of one cached range, little-endian: u32 magic {@code "SDC1"}, u8 version, u16
 * object key length, the object key (UTF-8), i64 offset, i32 length, the {@code length} bytes, and
 * a u32 CRC32C over everything before it. The header binds the bytes to their object and range, so
 * an entry read from the wrong place (a stale index, a file swapped or overwritten) does not match
 * what the reader asked for and is a miss; the CRC makes a flipped or torn entry a miss too.
 */
final class CacheEntry {
  static final int MAGIC = 0x31434453; // "SDC1" in little-endian order
  static final byte VERSION = 1;

  /** Magic, version and key length: enough to know how long the rest of the header is. */
  static final int PREFIX = 4 + 1 + 2;

  /** Everything but the key and the data. */
  static final int OVERHEAD = PREFIX + 8 + 4 + 4;

  private CacheEntry() {}

  /** The stored size of an entry for {@code keyBytes} holding {@code length} bytes. */
  static int size(int keyBytes, int length) {
    return OVERHEAD + keyBytes + length;
  }

  static byte[] keyBytes(String objectKey) {
    return objectKey.getBytes(StandardCharsets.UTF_8);
  }

  /** The entry holding {@code data}, which are bytes {@code [offset, offset + data.length)}. */
  static ByteBuffer encode(byte[] key, long offset, byte[] data) {
    ByteBuffer b =
        ByteBuffer.allocate(size(key.length, data.length)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).put(VERSION).putShort((short) key.length).put(key);
    b.putLong(offset).putInt(data.length).put(data);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.flip();
  }

  /**
   * The data of {@code entry} if it is intact and holds exactly {@code [offset, offset + length)}
   * of object {@code key}; otherwise null.
   */
  static byte[] decode(byte[] entry, byte[] key, long offset, int length) {
    if (entry.length != size(key.length, length)) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(entry).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt() != MAGIC || b.get() != VERSION || (b.getShort() & 0xFFFF) != key.length) {
      return null;
    }
    int keyAt = b.position();
    if (!Arrays.equals(entry, keyAt, keyAt + key.length, key, 0, key.length)) {
      return null;
    }
    b.position(keyAt + key.length);
    if (b.getLong() != offset || b.getInt() != length) {
      return null;
    }
    int dataAt = b.position();
    CRC32C crc = new CRC32C();
    crc.update(entry, 0, dataAt + length);
    if ((int) crc.getValue() != b.getInt(dataAt + length)) {
      return null;
    }
    return Arrays.copyOfRange(entry, dataAt, dataAt + length);
  }

  /**
   * What a scan of a segment learns from an entry's header, or null if {@code header} (its first
   * {@link #PREFIX} bytes and then key, offset and length) is not one.
   */
  record Header(String objectKey, long offset, int length, int size) {}

  /** The key length an entry starting with {@code prefix} declares, or -1 if it is no entry. */
  static int keyLength(ByteBuffer prefix) {
    ByteBuffer b = prefix.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt() != MAGIC || b.get() != VERSION) {
      return -1;
    }
    return b.getShort() & 0xFFFF;
  }

  /**
   * The header of a whole entry that {@link #decode} would accept under its own header, or null.
   */
  static Header verify(byte[] entry) {
    if (entry.length < OVERHEAD) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(entry).order(ByteOrder.LITTLE_ENDIAN);
    int keyLength = keyLength(b);
    if (keyLength < 0 || entry.length < OVERHEAD + keyLength) {
      return null;
    }
    byte[] key = Arrays.copyOfRange(entry, PREFIX, PREFIX + keyLength);
    long offset = b.getLong(PREFIX + keyLength);
    int length = b.getInt(PREFIX + keyLength + 8);
    if (length < 0 || decode(entry, key, offset, length) == null) {
      return null;
    }
    return new Header(
        new String(key, java.nio.charset.StandardCharsets.UTF_8), offset, length, entry.length);
  }
}
