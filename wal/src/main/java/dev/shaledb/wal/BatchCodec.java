package dev.shaledb.wal;

import dev.shaledb.error.CorruptObjectException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes one batch: {@code u32 length, u64 firstSeq, u32 entryCount, entries, u32 crc32c}, where
 * {@code length} counts the bytes after it and the CRC covers everything before it.
 */
final class BatchCodec {
  /** Bytes of a batch besides its entries. */
  static final int FIXED_BYTES = 4 + 8 + 4 + 4;

  private BatchCodec() {}

  static byte[] encode(WalBatch batch) {
    int size = FIXED_BYTES;
    for (WalEntry e : batch.entries()) {
      size += e.encodedSize();
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(size - 4).putLong(batch.firstSeq()).putInt(batch.entries().size());
    for (WalEntry e : batch.entries()) {
      out.put((byte) e.kind().code).putShort((short) e.keyRef().length).put(e.keyRef());
      if (e.kind() == WalEntry.Kind.PUT) {
        out.putInt(e.valueRef().length).put(e.valueRef());
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, size - 4);
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /** Decodes the batch at {@code in}'s position and advances past it. */
  static WalBatch decode(String key, ByteBuffer in) {
    int start = in.position();
    Reads r = new Reads(key, in);
    int length = r.u32("batch length");
    if (length < FIXED_BYTES - 4 || length > in.remaining()) {
      throw r.corruptAt(start, "batch length " + Integer.toUnsignedString(length) + " is invalid");
    }
    int end = in.position() + length;
    CRC32C crc = new CRC32C();
    crc.update(in.array(), in.arrayOffset() + start, end - 4 - start);
    if ((int) crc.getValue() != in.getInt(end - 4)) {
      throw r.corruptAt(start, "batch checksum mismatch");
    }
    ByteBuffer body = in.duplicate().limit(end - 4);
    Reads b = new Reads(key, body);
    long firstSeq = b.u64("first seq");
    int count = b.u32("entry count");
    if (count < 1 || count > length) {
      throw b.corruptAt(
          start + 8, "entry count " + Integer.toUnsignedString(count) + " is invalid");
    }
    List<WalEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      entries.add(decodeEntry(b));
    }
    if (body.hasRemaining()) {
      throw b.corruptAt(body.position(), body.remaining() + " stray bytes after the last entry");
    }
    in.position(end);
    try {
      return new WalBatch(firstSeq, entries);
    } catch (IllegalArgumentException invalid) {
      throw new CorruptObjectException(
          key, start, "invalid batch: " + invalid.getMessage(), invalid);
    }
  }

  private static WalEntry decodeEntry(Reads b) {
    int at = b.position();
    int code = b.u8("entry kind");
    byte[] key = b.bytes(b.u16("key length"), "key");
    try {
      if (code == WalEntry.Kind.PUT.code) {
        int length = b.u32("value length");
        if (length < 0 || length > WalEntry.MAX_VALUE_BYTES) {
          throw b.corruptAt(at, "value length " + Integer.toUnsignedString(length) + " too large");
        }
        return WalEntry.put(key, b.bytes(length, "value"));
      }
      if (code == WalEntry.Kind.DELETE.code) {
        return WalEntry.delete(key);
      }
    } catch (IllegalArgumentException invalid) {
      throw b.corruptAt(at, "invalid entry: " + invalid.getMessage());
    }
    throw b.corruptAt(at, "unknown entry kind " + code);
  }
}
