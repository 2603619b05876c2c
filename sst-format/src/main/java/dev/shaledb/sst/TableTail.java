package dev.shaledb.sst;

import dev.shaledb.error.CorruptObjectException;
import java.util.Arrays;

/**
 * The parts of a table that stay resident once it is open, read from its tail by {@link
 * SstReader#open}: the footer, the block index, the bloom filter (null: the table has none), the
 * metadata and the range tombstones.
 *
 * <p>Invariants, checked by {@link #read} before any part is handed out: every block of the tail
 * passed its envelope's checksum (bound to the table in format 2 and later); the footer names the
 * expected table when a table id is given and the format carries one (version 2 and later); the
 * metadata counts as many data blocks as the index holds and agrees with the range tombstones. A
 * violation raises {@link CorruptObjectException} naming the object key and the offset of the part
 * at fault.
 *
 * <p>Reading costs one suffix read of {@link SstReaderOptions#tailReadSize()} bytes, plus one more
 * if the tail is longer; data blocks are never read here.
 */
record TableTail(
    Footer footer,
    BlockIndex index,
    BloomFilter filter,
    SstMetadata metadata,
    RangeTombstones rangeTombstones) {

  /**
   * Reads and checks the tail of table {@code objectKey}; {@code tableId}, if not null, is the
   * table the object must hold.
   */
  static TableTail read(
      String objectKey, String tableId, RangeReader reader, SstReaderOptions options) {
    TailBuffer tail = TailBuffer.read(objectKey, reader, options.tailReadSize());
    long size = tail.objectSize();
    int footerLength = Footer.footerLength(objectKey, tail.bytes(), tail.bytes().length, size);
    tail.extendTo(size - footerLength);
    Footer footer = Footer.decode(objectKey, tail.bytes(), tail.bytes().length, size, footerLength);
    checkTableId(objectKey, tableId, footer);
    tail.extendTo(footer.indexOffset());
    BlockIndex index = readIndex(objectKey, tail, footer);
    BloomFilter filter = footer.filterLength() == 0 ? null : readFilter(objectKey, tail, footer);
    SstMetadata metadata = readMetadata(objectKey, tail, footer);
    RangeTombstones tombstones =
        footer.rangeTombstoneLength() == 0
            ? RangeTombstones.empty()
            : readRangeTombstones(objectKey, tail, footer);
    metadata.checkRangeTombstones(objectKey, footer.rangeTombstoneOffset(), tombstones);
    if (metadata.dataBlockCount() != index.count()) {
      throw new CorruptObjectException(
          objectKey,
          footer.metaOffset(),
          "metadata counts "
              + metadata.dataBlockCount()
              + " data blocks, the index "
              + index.count());
    }
    return new TableTail(footer, index, filter, metadata, tombstones);
  }

  /**
   * An object holding another table is a misdirected or stale read or a copied object. Tables of
   * format version 1 carry no id, so for them the check is skipped.
   */
  private static void checkTableId(String objectKey, String tableId, Footer footer) {
    if (tableId != null
        && footer.formatVersion() >= 2
        && footer.tableTag() != BlockBinding.tag(tableId)) {
      throw new CorruptObjectException(
          objectKey,
          footer.start(),
          "object holds another table (tag "
              + Long.toHexString(footer.tableTag())
              + "), not table '"
              + tableId
              + "'");
    }
  }

  /** The verified payload of the tail's block at {@code offset}. */
  private static BlockEnvelope.Raw open(
      String key, TailBuffer tail, Footer footer, long offset, int length, String what) {
    return BlockEnvelope.open(
        key, footer.binding(), offset, what, tail.bytes(), tail.indexOf(offset), length);
  }

  private static LittleEndianReader decoder(
      String key, long offset, String what, BlockEnvelope.Raw raw) {
    return new LittleEndianReader(
        key, offset, what, raw.data(), raw.offset(), raw.offset() + raw.length());
  }

  private static BlockIndex readIndex(String key, TailBuffer tail, Footer footer) {
    long offset = footer.indexOffset();
    BlockEnvelope.Raw raw = open(key, tail, footer, offset, footer.indexLength(), "index block");
    return BlockIndex.decode(
        decoder(key, offset, "index block", raw),
        raw.data(),
        raw.offset(),
        raw.offset() + raw.length(),
        offset,
        footer.formatVersion() >= 3);
  }

  private static BloomFilter readFilter(String key, TailBuffer tail, Footer footer) {
    long offset = footer.filterOffset();
    BlockEnvelope.Raw raw = open(key, tail, footer, offset, footer.filterLength(), "filter block");
    // A copy, so the reader keeps only the filter, not the whole tail buffer.
    byte[] bits = Arrays.copyOfRange(raw.data(), raw.offset(), raw.offset() + raw.length());
    LittleEndianReader in =
        new LittleEndianReader(key, offset, "filter block", bits, 0, bits.length);
    return BloomFilter.read(in, bits, bits.length);
  }

  private static SstMetadata readMetadata(String key, TailBuffer tail, Footer footer) {
    long offset = footer.metaOffset();
    String what = "metadata block";
    BlockEnvelope.Raw raw = open(key, tail, footer, offset, footer.metaLength(), what);
    return SstMetadata.decode(decoder(key, offset, what, raw), footer.formatVersion());
  }

  private static RangeTombstones readRangeTombstones(String key, TailBuffer tail, Footer footer) {
    long offset = footer.rangeTombstoneOffset();
    String what = "range tombstone block";
    BlockEnvelope.Raw raw = open(key, tail, footer, offset, footer.rangeTombstoneLength(), what);
    return RangeTombstones.decode(decoder(key, offset, what, raw));
  }
}
