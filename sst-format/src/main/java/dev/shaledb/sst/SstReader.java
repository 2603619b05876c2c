package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CorruptObjectException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An open table: its index, bloom filter, range tombstones and metadata stay resident; data blocks
 * are fetched through the {@link RangeReader} and {@link BlockCache} on demand.
 *
 * <p>Entries and range tombstones are served apart: {@link #get}, the iterators and {@link
 * #mayContain} see entries only, {@link #rangeTombstones()} the tombstones. The reader never hides
 * an entry under a tombstone, since a tombstone deletes versions in other tables too; the engine
 * applies them. A table of range tombstones only has no entries: its lookups find nothing.
 *
 * <p>Opening costs one suffix read of {@link SstReaderOptions#tailReadSize()} bytes, plus one more
 * read if the table's tail is longer ({@link SstInfo#tailLength()} tells its exact length). A point
 * lookup then costs at most one block fetch, none when the filter rules the key out.
 *
 * <p>Every byte is verified before use: checksum failures, truncated or extended objects, objects
 * that are not tables and malformed structures raise {@link CorruptObjectException} naming the
 * object key and offset; a table written in a newer format raises {@link
 * dev.shaledb.error.UnsupportedFormatException}. Readers are immutable and thread-safe; their
 * iterators are not.
 *
 * <p>This class answers lookups and hands out iterators; {@link TableTail} reads and cross-checks
 * the resident parts when the table opens, and {@link TableBlocks} reads, verifies and caches its
 * data blocks.
 */
public final class SstReader {
  private final String objectKey;
  private final Footer footer;
  private final BlockIndex index;
  private final BloomFilter filter;
  private final RangeTombstones rangeTombstones;
  private final SstMetadata metadata;
  private final TableBlocks blocks;

  private SstReader(String objectKey, TableTail tail, TableBlocks blocks) {
    this.objectKey = objectKey;
    this.footer = tail.footer();
    this.index = tail.index();
    this.filter = tail.filter();
    this.rangeTombstones = tail.rangeTombstones();
    this.metadata = tail.metadata();
    this.blocks = blocks;
  }

  private SstReader(SstReader other, TableBlocks blocks) {
    this.objectKey = other.objectKey;
    this.footer = other.footer;
    this.index = other.index;
    this.filter = other.filter;
    this.rangeTombstones = other.rangeTombstones;
    this.metadata = other.metadata;
    this.blocks = blocks;
  }

  /** Opens the table {@code objectKey} with the default options. */
  public static SstReader open(String objectKey, RangeReader reader) {
    return open(objectKey, reader, SstReaderOptions.defaults());
  }

  /**
   * Opens the table {@code objectKey}, whatever table id it was built with, reading it through
   * {@code reader}.
   */
  public static SstReader open(String objectKey, RangeReader reader, SstReaderOptions options) {
    return open(objectKey, null, reader, options);
  }

  /**
   * Opens the table {@code objectKey}, which must be the table built as {@code tableId}: an object
   * holding another table (a misdirected or stale read, a copied object) is reported as corrupt.
   * Tables of format version 1 carry no id, so for them the check is skipped.
   */
  public static SstReader open(
      String objectKey, String tableId, RangeReader reader, SstReaderOptions options) {
    requireNonNull(objectKey, "objectKey is null");
    requireNonNull(reader, "reader is null");
    requireNonNull(options, "options is null");
    TableTail tail = TableTail.read(objectKey, tableId, reader, options);
    TableBlocks blocks =
        new TableBlocks(
            objectKey, reader, options.blockCache(), tail.footer().binding(), tail.index());
    return new SstReader(objectKey, tail, blocks);
  }

  /**
   * This table, its data blocks read through {@code reader} and {@code cache} instead: shares the
   * resident index, filter and tombstones, so it costs no I/O. A compaction reads its inputs so,
   * past the caches that serve lookups (it reads each block once), without opening them again.
   */
  public SstReader withBlockSource(RangeReader reader, BlockCache cache) {
    requireNonNull(reader, "reader is null");
    requireNonNull(cache, "cache is null");
    return new SstReader(this, new TableBlocks(objectKey, reader, cache, footer.binding(), index));
  }

  /**
   * Returns the newest entry for {@code key} whose sequence number is at most {@code maxSeq}
   * (DELETE tombstones included), or empty if the table has none.
   */
  public Optional<SstEntry> get(byte[] key, long maxSeq) {
    requireNonNull(key, "key is null");
    checkMaxSeq(maxSeq);
    if (!mayContain(key)) {
      return Optional.empty();
    }
    int b = index.find(key);
    return b < index.count() ? lookup(key, maxSeq, blocks.block(b), b) : Optional.empty();
  }

  /**
   * The first step of a point lookup done in two, so that many lookups' block reads can be in
   * flight at once: the data block where a lookup of {@code key} starts, or -1 if the table has no
   * entry for it (outside its range, ruled out by the filter, or after its last block). No I/O.
   */
  public int blockFor(byte[] key) {
    if (!mayContain(key)) {
      return -1;
    }
    int b = index.find(key);
    return b < index.count() ? b : -1;
  }

  /**
   * Starts reading data block {@code b}'s stored bytes, unless the block cache holds it: then the
   * future completes with null at once. Hand the bytes to {@link #get(byte[], long, int, byte[])}.
   */
  public CompletableFuture<byte[]> readBlockAsync(int b) {
    return blocks.readAsync(b);
  }

  /**
   * The second step: as {@link #get(byte[], long)}, starting at block {@code b} (from {@link
   * #blockFor}) with its stored bytes from {@link #readBlockAsync}, which are verified and decoded
   * here, on the caller's thread, and go into the block cache; null bytes take the block from the
   * cache (or read it now). A key whose versions continue into the next block reads that one as
   * {@link #get(byte[], long)} does.
   */
  public Optional<SstEntry> get(byte[] key, long maxSeq, int b, byte[] stored) {
    requireNonNull(key, "key is null");
    checkMaxSeq(maxSeq);
    blocks.checkBlock(b);
    return lookup(key, maxSeq, blocks.block(b, stored), b);
  }

  private Optional<SstEntry> lookup(byte[] key, long maxSeq, DecodedBlock first, int firstBlock) {
    BlockCursor cursor = new BlockCursor();
    for (int b = firstBlock; b < index.count(); b++) {
      cursor.reset(b == firstBlock ? first : blocks.block(b));
      cursor.seek(key);
      for (; cursor.isValid(); cursor.next()) {
        if (!cursor.keyEquals(key)) {
          return Optional.empty();
        }
        if (cursor.seq() <= maxSeq) {
          return Optional.of(cursor.entry());
        }
      }
      // Only a key whose versions span blocks has the block's separator equal to it.
      if (index.compareSeparator(b, key) != 0) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code stored} holds exactly the whole data blocks that start at {@code offset}, each
   * with a matching checksum (in format 2 the checksum binds a block to this table and its offset):
   * what a cache below the reader checks before it keeps bytes the store delivered, so it never
   * keeps a damaged reply. No I/O and no decompression.
   */
  public boolean holdsIntactBlocks(long offset, byte[] stored) {
    return blocks.holdsIntactBlocks(offset, stored);
  }

  /**
   * False if the table certainly has no entry for {@code key} (outside its key range, ruled out by
   * the bloom filter, or no entries at all); true if it may have one. Says nothing about range
   * tombstones.
   */
  public boolean mayContain(byte[] key) {
    requireNonNull(key, "key is null");
    if (index.count() == 0
        || Arrays.compareUnsigned(key, metadata.smallestKey()) < 0
        || Arrays.compareUnsigned(key, metadata.largestKey()) > 0) {
      return false;
    }
    return filter == null || filter.mayContain(KeyHash.hash64(key));
  }

  /**
   * An iterator over all entries with sequence number at most {@code maxSeq}, every such version of
   * every key, in table order. It starts unpositioned: call {@link SstIterator#seekToFirst()} or
   * {@link SstIterator#seek(byte[])}.
   */
  public SstIterator iterator(long maxSeq) {
    return iterator(maxSeq, null, ReadAhead.NONE);
  }

  /**
   * As {@link #iterator(long)}, stopping before {@code toExclusive} (null for unbounded) and
   * reading ahead as {@code readAhead} says.
   */
  public SstIterator iterator(long maxSeq, byte[] toExclusive, ReadAhead readAhead) {
    return iterator(maxSeq, null, toExclusive, readAhead);
  }

  /**
   * As {@link #iterator(long, byte[], ReadAhead)}, also never going below {@code fromInclusive}
   * (null for unbounded); unpositioned, so nothing is read before its first seek.
   */
  public SstIterator iterator(
      long maxSeq, byte[] fromInclusive, byte[] toExclusive, ReadAhead readAhead) {
    checkMaxSeq(maxSeq);
    requireNonNull(readAhead, "readAhead is null");
    return new SstIterator(
        this,
        maxSeq,
        fromInclusive == null ? null : fromInclusive.clone(),
        toExclusive == null ? null : toExclusive.clone(),
        readAhead);
  }

  /**
   * An iterator over the entries with keys in {@code [fromInclusive, toExclusive)} (null for
   * unbounded) and sequence number at most {@code maxSeq}, positioned at the first of them.
   */
  public SstIterator scan(byte[] fromInclusive, byte[] toExclusive, long maxSeq) {
    return scan(fromInclusive, toExclusive, maxSeq, ReadAhead.NONE);
  }

  /** As {@link #scan(byte[], byte[], long)}, reading ahead as {@code readAhead} says. */
  public SstIterator scan(
      byte[] fromInclusive, byte[] toExclusive, long maxSeq, ReadAhead readAhead) {
    SstIterator it = iterator(maxSeq, fromInclusive, toExclusive, readAhead);
    it.seekToFirst();
    return it;
  }

  /**
   * Up to {@code parts - 1} strictly ascending keys that divide the table's data blocks into about
   * equal parts, from the resident index (no I/O). Compaction splits its work at them; every
   * version of a key is on one side of each split key.
   */
  public List<byte[]> splitKeys(int parts) {
    if (parts < 1) {
      throw new IllegalArgumentException("parts is not positive: " + parts);
    }
    List<byte[]> keys = new ArrayList<>();
    int blocks = index.count();
    for (int i = 1; i < parts; i++) {
      int block = (int) ((long) blocks * i / parts) - 1;
      if (block >= 0 && block < blocks - 1) {
        byte[] key = index.separator(block);
        if (keys.isEmpty() || Arrays.compareUnsigned(keys.get(keys.size() - 1), key) < 0) {
          keys.add(key);
        }
      }
    }
    return keys;
  }

  /**
   * Loads every data block through the block cache: the engine calls it on a reader over a table it
   * just wrote (still in memory), so reads of fresh tables find their blocks cached instead of
   * costing a GET each.
   */
  public void loadAllBlocks() {
    for (int b = 0; b < index.count(); b++) {
      blocks.block(b);
    }
  }

  public String objectKey() {
    return objectKey;
  }

  public long objectSize() {
    return footer.objectLength();
  }

  public int formatVersion() {
    return footer.formatVersion();
  }

  /** The length of the table's tail: a suffix read of this size opens it in one request. */
  public int tailLength() {
    return footer.tailLength();
  }

  public boolean hasFilter() {
    return filter != null;
  }

  /** Where the table's parts lie and what its index and filter hold; for inspection tools. */
  public SstLayout layout() {
    List<SstLayout.Block> list = new ArrayList<>(index.count());
    for (int b = 0; b < index.count(); b++) {
      list.add(new SstLayout.Block(index.offset(b), index.length(b), index.separator(b)));
    }
    return new SstLayout(
        footer.formatVersion(),
        footer.objectLength(),
        footer.indexOffset(),
        footer.indexLength(),
        footer.filterLength(),
        filter == null ? 0 : filter.numBits(),
        filter == null ? 0 : filter.probes(),
        footer.rangeTombstoneLength(),
        footer.metaLength(),
        list);
  }

  public SstMetadata metadata() {
    return metadata;
  }

  /**
   * The table's range tombstones, fragmented and resident (empty before format version 3). Each
   * deletes the versions with lower seqs of the keys it covers, in this table and every other.
   */
  public RangeTombstones rangeTombstones() {
    return rangeTombstones;
  }

  /** Checks the whole object and describes it as its builder did; see {@link SstVerifier}. */
  public static SstInfo verify(String objectKey, byte[] object) {
    return SstVerifier.verify(objectKey, object);
  }

  BlockIndex index() {
    return index;
  }

  Footer footer() {
    return footer;
  }

  /** The table's data blocks, for its iterators. */
  TableBlocks blocks() {
    return blocks;
  }

  private static void checkMaxSeq(long maxSeq) {
    if (maxSeq < 0) {
      throw new IllegalArgumentException("maxSeq is negative: " + maxSeq);
    }
  }
}
