package dev.shaledb.wal;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CorruptObjectException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes one batch: {@code u32 length, u64 firstSeq, u32 entryCount, entries, u32 crc32c}, where
 * {@code length} counts the bytes after it and the CRC covers everything before it.
 *
 * <p>An entry's bytes are the same in both object versions; a version-1 object may only hold PUT
 * and DELETE entries without expiry, so the decoder needs the version of the object it reads.
 */
final class BatchCodec {
  /** Bytes of a batch besides its entries. */
  static final int FIXED_BYTES = 4 + 8 + 4 + 4;

  /** Bit 7 of an entry's kind byte: an expiry follows the key. */
  static final int EXPIRY_BIT = 0x80;

  private static final int KIND_MASK = 0x7f;

  /**
   * An encoded batch and the lowest object version that can hold it, so that a writer cuts objects
   * from encoded batches without decoding them again.
   */
  record Encoded(byte[] bytes, int version) {
    Encoded {
      requireNonNull(bytes, "bytes is null");
      if (version < WalCodec.VERSION_1 || version > WalCodec.VERSION) {
        throw new IllegalArgumentException("version " + version + " is not a WAL version");
      }
    }

    int length() {
      return bytes.length;
    }
  }

  private BatchCodec() {}

  static Encoded encode(WalBatch batch) {
    int size = FIXED_BYTES;
    int version = WalCodec.VERSION_1;
    for (WalEntry e : batch.entries()) {
      size += e.encodedSize();
      if (e.needsVersion2()) {
        version = WalCodec.VERSION_2;
      }
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(size - 4).putLong(batch.firstSeq()).putInt(batch.entries().size());
    for (WalEntry e : batch.entries()) {
      encodeEntry(e, out);
    }
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, size - 4);
    out.putInt((int) crc.getValue());
    return new Encoded(out.array(), version);
  }

  private static void encodeEntry(WalEntry e, ByteBuffer out) {
    int kindByte = e.kind().code | (e.hasExpiry() ? EXPIRY_BIT : 0);
    out.put((byte) kindByte).putShort((short) e.keyRef().length).put(e.keyRef());
    if (e.hasExpiry()) {
      out.putLong(e.expireAtMillis());
    }
    switch (e.kind()) {
      case PUT, MERGE -> out.putInt(e.valueRef().length).put(e.valueRef());
      case DELETE_RANGE -> out.putShort((short) e.valueRef().length).put(e.valueRef());
      case DELETE -> {}
    }
  }

  /**
   * Decodes the batch at {@code in}'s position, from an object of format {@code version}, and
   * advances past it.
   */
  static WalBatch decode(String key, ByteBuffer in, int version) {
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
      entries.add(decodeEntry(b, version));
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

  private static WalEntry decodeEntry(Reads b, int version) {
    int at = b.position();
    int kindByte = b.u8("entry kind");
    WalEntry.Kind kind = WalEntry.Kind.ofCode(kindByte & KIND_MASK);
    boolean expires = (kindByte & EXPIRY_BIT) != 0;
    if (kind == null) {
      throw b.corruptAt(at, "unknown entry kind " + (kindByte & KIND_MASK));
    }
    if (version == WalCodec.VERSION_1
        && (expires || (kind != WalEntry.Kind.PUT && kind != WalEntry.Kind.DELETE))) {
      throw b.corruptAt(
          at,
          "entry kind byte 0x"
              + Integer.toHexString(kindByte)
              + " ("
              + kind
              + (expires ? " with expiry" : "")
              + ") is not allowed in a version 1 WAL object");
    }
    byte[] key = b.bytes(b.u16("key length"), "key");
    long expireAt = WalEntry.NO_EXPIRY;
    if (expires) {
      expireAt = b.u64("expiry");
      // -1 would pass the record's check as NO_EXPIRY and re-encode differently.
      if (expireAt < 0) {
        throw b.corruptAt(at, "negative expiry " + expireAt);
      }
    }
    byte[] value =
        switch (kind) {
          case PUT, MERGE -> {
            int length = b.u32("value length");
            if (length < 0 || length > WalEntry.MAX_VALUE_BYTES) {
              throw b.corruptAt(
                  at, "value length " + Integer.toUnsignedString(length) + " too large");
            }
            yield b.bytes(length, "value");
          }
          case DELETE_RANGE -> b.bytes(b.u16("range end length"), "range end");
          case DELETE -> null;
        };
    try {
      return new WalEntry(kind, key, value, expireAt);
    } catch (IllegalArgumentException invalid) {
      throw b.corruptAt(at, "invalid entry: " + invalid.getMessage());
    }
  }
}
