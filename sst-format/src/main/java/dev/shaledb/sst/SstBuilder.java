package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes one table from entries added in table order (key ascending, then sequence number
 * descending). Data blocks stream out as they fill, so the builder holds one block, the index and
 * the filter's key hashes, never the table itself (except, of course, an in-memory builder's
 * output).
 *
 * <pre>{@code
 * try (SstBuilder builder = SstBuilder.inMemory(SstOptions.defaults(), tableId)) {
 *   builder.add(SstEntry.put(key, seq, value));
 *   SstInfo info = builder.finish();
 *   store.put(objectKey, builder.bytes(), PutCondition.none()); // a fresh, unique key
 * }
 * }</pre>
 *
 * <p>The table id is any string naming the table uniquely among those a reader could confuse it
 * with (the engine uses its table ids). Every block checksum covers it and the block's offset, so a
 * block read from another table, or from another place in this one, fails as corrupt instead of
 * being served; {@link SstReader#open(String, String, RangeReader, SstReaderOptions)} also checks
 * that a whole object is the table it was asked for.
 *
 * <p>Range tombstones ({@link #addRangeTombstone}) come in any order at any time before {@link
 * #finish()}; the builder holds them and writes them fragmented in the table's tail. A table may
 * hold only range tombstones. A table without any is written in format version 2, exactly as before
 * they existed; one with them needs version 3 (docs/formats/sst.md).
 *
 * <p>An entry out of order, or invalid, is rejected with {@link IllegalArgumentException} and
 * leaves the builder as it was. Any other failure (for example an {@link
 * java.io.UncheckedIOException} from the stream) makes the builder unusable. Not thread-safe.
 */
public final class SstBuilder implements AutoCloseable {
  private enum State {
    OPEN,
    FINISHED,
    FAILED,
    CLOSED
  }

  private final SstOptions options;
  private final ObjectOutput out;
  private final BlockWriter writer;
  private final DataBlockBuilder block;
  private final IndexBuilder index = new IndexBuilder();
  private final boolean hashKeys;
  private final long tableTag;
  private State state = State.OPEN;

  private long[] keyHashes = new long[256];
  private byte[] lastKey = new byte[64];
  private int lastKeyLen;
  private long lastSeq;
  private byte[] firstKey;
  private BlockHandle pendingBlock;
  private final TableStats stats = new TableStats();
  private final List<RangeTombstone> rangeTombstones = new ArrayList<>();
  private long rangeTombstoneBytes;
  private BlockCache fill; // null: none
  private String fillKey;
  private long fillBytesLeft;

  private SstBuilder(SstOptions options, ObjectOutput out, String tableId) {
    this.options = requireNonNull(options, "options is null");
    this.out = out;
    this.tableTag = BlockBinding.tag(requireNonNull(tableId, "tableId is null"));
    this.writer = new BlockWriter(out, options.compression(), BlockBinding.of(tableTag));
    this.block = new DataBlockBuilder(options.restartInterval(), options.blockSize());
    this.hashKeys = options.bloomBitsPerKey() > 0;
  }

  /**
   * A builder that writes table {@code tableId} to {@code out} as it goes; the stream is not
   * closed.
   */
  public static SstBuilder create(SstOptions options, OutputStream out, String tableId) {
    requireNonNull(out, "out is null");
    return new SstBuilder(options, ObjectOutput.toStream(out), tableId);
  }

  /**
   * A builder that keeps table {@code tableId} in memory; get it from {@link #bytes()} after
   * finishing.
   */
  public static SstBuilder inMemory(SstOptions options, String tableId) {
    return new SstBuilder(options, ObjectOutput.inMemory(), tableId);
  }

  /**
   * Also puts each data block into {@code cache}, decoded, as it is written, under {@code
   * objectKey} (the key the table will have), until blocks of {@code maxBytes} raw bytes were put:
   * so a table streamed to the store, whose bytes are never held whole, can still warm a block
   * cache for the reads right after it is published. Call before the first entry.
   *
   * @throws IllegalStateException if an entry was added already
   */
  public SstBuilder fillingCache(BlockCache cache, String objectKey, long maxBytes) {
    requireNonNull(cache, "cache is null");
    requireNonNull(objectKey, "objectKey is null");
    checkState(State.OPEN);
    if (stats.entries > 0 || pendingBlock != null) {
      throw new IllegalStateException("fillingCache must come before the first entry");
    }
    this.fill = cache;
    this.fillKey = objectKey;
    this.fillBytesLeft = maxBytes;
    return this;
  }

  /** Adds {@code entry}, which must sort after the previous one. */
  public SstBuilder add(SstEntry entry) {
    requireNonNull(entry, "entry is null");
    return append(entry.key(), entry.seq(), entry.kind(), entry.value(), entry.expireAtMillis());
  }

  /**
   * Adds an entry without allocating an {@link SstEntry}; the arguments obey the same rules. The
   * arrays are copied into the table before this returns, so the caller may reuse them.
   */
  public SstBuilder add(byte[] key, long seq, EntryKind kind, byte[] value, long expireAtMillis) {
    SstEntry.checkKey(key);
    SstEntry.checkSeq(seq);
    requireNonNull(kind, "kind is null");
    SstEntry.checkValue(kind, value);
    SstEntry.checkExpiry(expireAtMillis);
    return append(key, seq, kind, value, expireAtMillis);
  }

  /**
   * Adds a range tombstone, in any order relative to entries and other tombstones. The arrays are
   * kept until {@link #finish()}, not copied: the caller must not modify them.
   */
  public SstBuilder addRangeTombstone(RangeTombstone tombstone) {
    requireNonNull(tombstone, "tombstone is null");
    checkState(State.OPEN);
    rangeTombstones.add(tombstone);
    // Its bounds, their lengths and its seq as varints, were it a fragment of its own.
    rangeTombstoneBytes += tombstone.start().length + tombstone.end().length + 12;
    return this;
  }

  /** Adds every tombstone of {@code tombstones}, as {@link #addRangeTombstone} does. */
  public SstBuilder addRangeTombstones(RangeTombstones tombstones) {
    requireNonNull(tombstones, "tombstones is null");
    checkState(State.OPEN);
    tombstones.toTombstones().forEach(this::addRangeTombstone);
    return this;
  }

  /** Entries added so far. */
  public long entryCount() {
    return stats.entries;
  }

  /**
   * Bytes written so far plus the open block and about what the range tombstones will take: close
   * to a lower bound of the table's final size.
   */
  public long estimatedSize() {
    return out.position() + (block.isEmpty() ? 0 : block.estimatedSize()) + rangeTombstoneBytes;
  }

  private SstBuilder append(byte[] key, long seq, EntryKind kind, byte[] value, long expiry) {
    checkState(State.OPEN);
    boolean first = stats.entries == 0;
    int common = first ? 0 : commonPrefixInOrder(key, seq);
    boolean newKey = first || common < key.length || key.length != lastKeyLen;
    try {
      if (pendingBlock != null) {
        index.add(Separators.between(lastKey, lastKeyLen, key, key.length), pendingBlock);
        pendingBlock = null;
      }
      if (newKey && hashKeys) {
        addHash(KeyHash.hash64(key));
      }
      int valueLen = value == null ? 0 : value.length;
      block.add(key, common, kind, seq, expiry, value, valueLen);
      stats.add(kind, seq, key.length, valueLen, newKey);
      if (first) {
        firstKey = key.clone();
      }
      rememberLast(key, seq);
      if (block.estimatedSize() >= options.blockSize()) {
        flushBlock();
      }
    } catch (RuntimeException | Error e) {
      state = State.FAILED;
      throw e;
    }
    return this;
  }

  /** The prefix {@code key} shares with the previous key; rejects entries out of order. */
  private int commonPrefixInOrder(byte[] key, long seq) {
    int m = Arrays.mismatch(lastKey, 0, lastKeyLen, key, 0, key.length);
    if (m < 0) {
      if (seq >= lastSeq) {
        throw new IllegalArgumentException(
            "entries out of order: seq "
                + seq
                + " of key "
                + Bytes.describe(key)
                + " must be below the previous seq "
                + lastSeq
                + " of the same key");
      }
      return key.length;
    }
    boolean before = m == key.length || (m < lastKeyLen && (key[m] & 0xFF) < (lastKey[m] & 0xFF));
    if (before) {
      throw new IllegalArgumentException(
          "entries out of order: key "
              + Bytes.describe(key)
              + " sorts before the previous key "
              + Bytes.describe(Arrays.copyOf(lastKey, lastKeyLen)));
    }
    return m;
  }

  private void rememberLast(byte[] key, long seq) {
    if (lastKey.length < key.length) {
      lastKey = new byte[Math.max(key.length, lastKey.length * 2)];
    }
    System.arraycopy(key, 0, lastKey, 0, key.length);
    lastKeyLen = key.length;
    lastSeq = seq;
  }

  private void addHash(long hash) {
    int n = (int) stats.distinctKeys;
    if (n == keyHashes.length) {
      keyHashes = Arrays.copyOf(keyHashes, n * 2);
    }
    keyHashes[n] = hash;
  }

  private void flushBlock() {
    LittleEndianSink raw = block.finish();
    pendingBlock = writer.writeData(raw.array(), raw.size());
    if (fill != null && raw.size() <= fillBytesLeft) {
      fillBytesLeft -= raw.size();
      // A copy: the block builder reuses its buffer, and the cache keeps the block.
      byte[] bytes = Arrays.copyOf(raw.array(), raw.size());
      DecodedBlock decoded =
          DecodedBlock.decode(fillKey, pendingBlock.offset(), bytes, bytes.length, null, null);
      fill.get(fillKey, pendingBlock.offset(), () -> decoded);
    }
    block.reset();
  }

  /**
   * Writes the open block, the index, the filter, the range tombstones, the metadata and the
   * footer, and returns what the manifest needs to know about the table.
   *
   * @throws IllegalStateException if neither an entry nor a range tombstone was added, or the
   *     builder is finished or closed
   */
  public SstInfo finish() {
    checkState(State.OPEN);
    if (stats.entries == 0 && rangeTombstones.isEmpty()) {
      throw new IllegalStateException("cannot finish a table without entries or range tombstones");
    }
    try {
      RangeTombstones tombstones = RangeTombstones.of(rangeTombstones);
      int version =
          tombstones.isEmpty() ? Footer.VERSION_WITHOUT_RANGE_TOMBSTONES : Footer.FORMAT_VERSION;
      if (!block.isEmpty()) {
        flushBlock();
      }
      if (pendingBlock != null) { // none in a table of range tombstones only
        index.add(Separators.successor(lastKey, lastKeyLen), pendingBlock);
      }
      long indexOffset = out.position();
      LittleEndianSink indexRaw = index.finish();
      BlockHandle indexHandle = writer.writeMeta(indexRaw.array(), indexRaw.size());
      int filterLength = writeFilter();
      int tombstoneLength = tombstones.isEmpty() ? 0 : writeRangeTombstones(tombstones);
      SstMetadata metadata = metadata(tombstones);
      LittleEndianSink meta = new LittleEndianSink(256);
      metadata.encode(meta, version);
      BlockHandle metaHandle = writer.writeMeta(meta.array(), meta.size());
      Footer footer =
          new Footer(
              out.position() + Footer.size(version),
              indexOffset,
              indexHandle.length(),
              filterLength,
              metaHandle.length(),
              out.crc(),
              tableTag,
              tombstoneLength,
              version);
      byte[] footerBytes = footer.encode();
      out.write(footerBytes, 0, footerBytes.length);
      out.flush();
      state = State.FINISHED;
      return new SstInfo(
          out.position(),
          metadata.smallestKey(),
          metadata.largestKey(),
          metadata.minSeq(),
          metadata.maxSeq(),
          stats.entries,
          out.crc(),
          footer.tailLength());
    } catch (RuntimeException | Error e) {
      state = State.FAILED;
      throw e;
    } finally {
      writer.close();
    }
  }

  private int writeFilter() {
    boolean wanted =
        hashKeys && stats.distinctKeys > 0 && stats.distinctKeys >= options.bloomMinKeys();
    if (!wanted) {
      return 0;
    }
    LittleEndianSink filter =
        new LittleEndianSink(BloomFilter.HEADER_SIZE + (int) (stats.distinctKeys * 2));
    BloomFilter.write(keyHashes, (int) stats.distinctKeys, options.bloomBitsPerKey(), filter);
    keyHashes = null;
    return writer.writeMeta(filter.array(), filter.size()).length();
  }

  private int writeRangeTombstones(RangeTombstones tombstones) {
    LittleEndianSink block = new LittleEndianSink(256);
    tombstones.encode(block);
    return writer.writeMeta(block.array(), block.size()).length();
  }

  /**
   * The table's metadata. Its key and seq ranges span the entries and the tombstones. A tombstone's
   * end is exclusive, so the key range may claim one key the table does not cover: a lookup of it
   * finds nothing, and claiming too much never makes a reader miss the table.
   */
  private SstMetadata metadata(RangeTombstones tombstones) {
    byte[] smallest = firstKey;
    byte[] largest = firstKey == null ? null : Arrays.copyOf(lastKey, lastKeyLen);
    if (!tombstones.isEmpty()) {
      if (smallest == null || Arrays.compareUnsigned(tombstones.smallestStart(), smallest) < 0) {
        smallest = tombstones.smallestStart();
      }
      if (largest == null || Arrays.compareUnsigned(tombstones.largestEnd(), largest) > 0) {
        largest = tombstones.largestEnd();
      }
    }
    return stats.toMetadata(
        smallest,
        largest,
        index.count(),
        writer.rawDataBytes(),
        writer.storedDataBytes(),
        options,
        tombstones);
  }

  /**
   * The finished table of an {@link #inMemory} builder: a read-only view of the builder's buffer
   * (no copy), positioned at 0.
   *
   * @throws IllegalStateException if the builder is not finished or writes to a stream
   */
  public ByteBuffer bytes() {
    if (!out.isInMemory()) {
      throw new IllegalStateException("the builder writes to a stream; it holds no bytes");
    }
    checkState(State.FINISHED);
    return out.buffered();
  }

  /** Releases native compression state; an unfinished table is abandoned. Idempotent. */
  @Override
  public void close() {
    writer.close();
    if (state == State.OPEN || state == State.FAILED) {
      state = State.CLOSED;
    }
  }

  private void checkState(State expected) {
    if (state != expected) {
      throw new IllegalStateException(
          "builder is " + state.name().toLowerCase(java.util.Locale.ROOT));
    }
  }
}
