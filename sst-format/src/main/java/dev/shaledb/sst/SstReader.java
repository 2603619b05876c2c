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
 */
public final class SstReader {
  private final String objectKey;
  private final RangeReader reader;
  private final BlockCache cache;
  private final Footer footer;
  private final BlockBinding binding;
  private final BlockIndex index;
  private final BloomFilter filter;
  private final RangeTombstones rangeTombstones;
  private final SstMetadata metadata;

  private SstReader(
      String objectKey,
      RangeReader reader,
      BlockCache cache,
      Footer footer,
      BlockIndex index,
      BloomFilter filter,
      RangeTombstones rangeTombstones,
      SstMetadata metadata) {
    this.objectKey = objectKey;
    this.reader = reader;
    this.cache = cache;
    this.footer = footer;
    this.binding = footer.binding();
    this.index = index;
    this.filter = filter;
    this.rangeTombstones = rangeTombstones;
    this.metadata = metadata;
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
    TailBuffer tail = TailBuffer.read(objectKey, reader, options.tailReadSize());
    long size = tail.objectSize();
    int footerLength = Footer.footerLength(objectKey, tail.bytes(), tail.bytes().length, size);
    tail.extendTo(size - footerLength);
    Footer footer = Footer.decode(objectKey, tail.bytes(), tail.bytes().length, size, footerLength);
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
    return new SstReader(
        objectKey, reader, options.blockCache(), footer, index, filter, tombstones, metadata);
  }

  private static LittleEndianReader openBlock(
      String key, Footer footer, TailBuffer tail, long offset, int len, String w) {
    BlockEnvelope.Raw raw =
        BlockEnvelope.open(
            key, footer.binding(), offset, w, tail.bytes(), tail.indexOf(offset), len);
    return new LittleEndianReader(
        key, offset, w, raw.data(), raw.offset(), raw.offset() + raw.length());
  }

  private static BlockIndex readIndex(String key, TailBuffer tail, Footer footer) {
    BlockEnvelope.Raw raw =
        BlockEnvelope.open(
            key,
            footer.binding(),
            footer.indexOffset(),
            "index block",
            tail.bytes(),
            tail.indexOf(footer.indexOffset()),
            footer.indexLength());
    int end = raw.offset() + raw.length();
    LittleEndianReader in =
        new LittleEndianReader(
            key, footer.indexOffset(), "index block", raw.data(), raw.offset(), end);
    return BlockIndex.decode(
        in, raw.data(), raw.offset(), end, footer.indexOffset(), footer.formatVersion() >= 3);
  }

  private static BloomFilter readFilter(String key, TailBuffer tail, Footer footer) {
    BlockEnvelope.Raw raw =
        BlockEnvelope.open(
            key,
            footer.binding(),
            footer.filterOffset(),
            "filter block",
            tail.bytes(),
            tail.indexOf(footer.filterOffset()),
            footer.filterLength());
    // A copy, so the reader keeps only the filter, not the whole tail buffer.
    byte[] bits = Arrays.copyOfRange(raw.data(), raw.offset(), raw.offset() + raw.length());
    LittleEndianReader in =
        new LittleEndianReader(key, footer.filterOffset(), "filter block", bits, 0, bits.length);
    return BloomFilter.read(in, bits, bits.length);
  }

  private static SstMetadata readMetadata(String key, TailBuffer tail, Footer footer) {
    return SstMetadata.decode(
        openBlock(key, footer, tail, footer.metaOffset(), footer.metaLength(), "metadata block"),
        footer.formatVersion());
  }

  private static RangeTombstones readRangeTombstones(String key, TailBuffer tail, Footer footer) {
    return RangeTombstones.decode(
        openBlock(
            key,
            footer,
            tail,
            footer.rangeTombstoneOffset(),
            footer.rangeTombstoneLength(),
            "range tombstone block"));
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
    return b < index.count() ? lookup(key, maxSeq, block(b, null), b) : Optional.empty();
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
    checkBlock(b);
    if (cached(b)) {
      return CompletableFuture.completedFuture(null);
    }
    return reader.readAsync(index.offset(b), index.length(b));
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
    checkBlock(b);
    return lookup(key, maxSeq, block(b, stored), b);
  }

  private Optional<SstEntry> lookup(byte[] key, long maxSeq, DecodedBlock first, int firstBlock) {
    BlockCursor cursor = new BlockCursor();
    for (int b = firstBlock; b < index.count(); b++) {
      cursor.reset(b == firstBlock ? first : block(b, null));
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
    requireNonNull(stored, "stored is null");
    int lo = 0;
    int hi = index.count() - 1;
    while (lo < hi) { // the first block at or after offset
      int mid = (lo + hi) >>> 1;
      if (index.offset(mid) < offset) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int pos = 0;
    for (int b = lo; pos < stored.length; b++) {
      int length = b < index.count() && index.offset(b) == offset + pos ? index.length(b) : -1;
      if (length < 0
          || length > stored.length - pos
          || !BlockEnvelope.intact(binding, offset + pos, stored, pos, length)) {
        return false;
      }
      pos += length;
    }
    return pos > 0;
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
      block(b);
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

  /** The decoded data block {@code b}, through the cache. */
  DecodedBlock block(int b) {
    return block(b, null);
  }

  /** Whether the block cache holds block {@code b} now. */
  boolean cached(int b) {
    return cache.getIfPresent(objectKey, index.offset(b)) != null;
  }

  /** Starts a ranged read of the object: the stored bytes of consecutive blocks, unverified. */
  CompletableFuture<byte[]> readRangeAsync(long offset, int length) {
    return reader.readAsync(offset, length);
  }

  /**
   * Block {@code b} through the cache; decoded from {@code stored} if given (even on a cache hit,
   * see below), else from the cache or a read.
   */
  DecodedBlock block(int b, byte[] stored) {
    // Bytes the store delivered are verified even when the cache got the block meanwhile (a
    // concurrent read loaded it): a damaged reply is reported, never silently dropped (chaos seed
    // 20262018 counted one that the cache's hit left unread).
    return cached(b, stored != null ? decode(b, stored) : null);
  }

  /**
   * Block {@code b} verified and decoded from {@code stored}, without the cache: safe on a thread
   * that completes store reads, which must never wait on the cache (a loader there may be waiting
   * for that very completion).
   */
  DecodedBlock verified(int b, byte[] stored) {
    return decode(b, stored);
  }

  /** Block {@code b} through the cache; on a miss {@code fresh} if not null, else read now. */
  DecodedBlock cached(int b, DecodedBlock fresh) {
    long offset = index.offset(b);
    DecodedBlock block =
        cache.get(objectKey, offset, () -> fresh != null ? fresh : decode(b, read(b)));
    if (block == null || block.blockOffset != offset || !block.objectKey.equals(objectKey)) {
      throw new IllegalStateException(
          "block cache returned the wrong block for " + objectKey + " at " + offset);
    }
    return block;
  }

  private byte[] read(int b) {
    return reader.read(index.offset(b), index.length(b));
  }

  private DecodedBlock decode(int b, byte[] stored) {
    long offset = index.offset(b);
    int length = index.length(b);
    if (stored == null || stored.length != length) {
      throw new CorruptObjectException(
          objectKey,
          offset,
          "data block read returned "
              + (stored == null ? "null" : stored.length + " bytes")
              + " instead of "
              + length
              + ": object truncated?");
    }
    BlockEnvelope.Raw raw =
        BlockEnvelope.open(objectKey, binding, offset, "data block", stored, 0, length);
    return DecodedBlock.decode(
        objectKey,
        offset,
        raw.data(),
        raw.length(),
        b == 0 ? null : index.separator(b - 1),
        index.separator(b));
  }

  private void checkBlock(int b) {
    if (b < 0 || b >= index.count()) {
      throw new IndexOutOfBoundsException(
          "block " + b + " of " + objectKey + ", which has " + index.count());
    }
  }

  private static void checkMaxSeq(long maxSeq) {
    if (maxSeq < 0) {
      throw new IllegalArgumentException("maxSeq is negative: " + maxSeq);
    }
  }
}
