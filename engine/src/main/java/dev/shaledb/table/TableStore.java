package dev.shaledb.table;

import dev.shaledb.cache.DiskCache;
import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.iterate.EntryIterator;
import dev.shaledb.iterate.Iterators;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectUpload;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.sst.BlockCache;
import dev.shaledb.sst.RangeReader;
import dev.shaledb.sst.RangeTombstones;
import dev.shaledb.sst.ReadAhead;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstInfo;
import dev.shaledb.sst.SstReader;
import dev.shaledb.sst.SstReaderOptions;
import dev.shaledb.support.CorruptionReporter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tables of one database in the object store: uploads new ones (whole, or streamed while they
 * are built: {@link #openUpload}) and keeps every live table's reader open, so its index and filter
 * stay resident and a cold point read costs at most one GET for a data block (opening costs one
 * suffix-range GET). Blocks go through the shared block cache.
 *
 * <p>Every read of a table goes through here (opening it, point lookups, iterators), so this is
 * where damaged table bytes are detected: each {@link CorruptObjectException} is handed to the
 * {@link CorruptionReporter} before it propagates.
 *
 * <p>With a {@link DiskCache}, the ranged reads of open tables (single blocks, and any range a
 * reader asks for) go through it: it sits between the readers and the store, below the memory block
 * cache, and keeps only ranges the table's own block checksums accept. Tables that leave ({@link
 * #retainOnly}) leave it too. Thread-safe.
 */
public final class TableStore {
  private final ObjectStore store;
  private final String dbPath;
  private final SstReaderOptions readerOptions;
  private final CaffeineBlockCache cache;
  private final DiskCache diskCache; // null: none
  private final CorruptionReporter corruption;
  private static final int OPENS_IN_FLIGHT = 32;

  private final ConcurrentHashMap<String, OpenTable> open = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<OpenTable>> opening =
      new ConcurrentHashMap<>();

  /**
   * An open table with its key range, kept as arrays so the read path's range checks do not copy
   * them (TableInfo's accessors return copies).
   */
  public record OpenTable(SstReader reader, byte[] smallestKey, byte[] largestKey, long minSeq) {
    public boolean contains(byte[] key) {
      return Arrays.compareUnsigned(smallestKey, key) <= 0
          && Arrays.compareUnsigned(key, largestKey) <= 0;
    }

    /** The highest sequence number {@code <= seq} of a range tombstone covering key, or -1. */
    public long coveringSeq(byte[] key, long seq) {
      RangeTombstones t = reader.rangeTombstones();
      return t.isEmpty() ? -1 : t.coveringSeq(key, seq);
    }
  }

  public TableStore(
      ObjectStore store, String dbPath, CaffeineBlockCache cache, CorruptionReporter corruption) {
    this(store, dbPath, cache, null, corruption);
  }

  /** A table store whose reads of open tables go through {@code diskCache} (null: none). */
  public TableStore(
      ObjectStore store,
      String dbPath,
      CaffeineBlockCache cache,
      DiskCache diskCache,
      CorruptionReporter corruption) {
    this.store = store;
    this.dbPath = dbPath;
    this.cache = cache;
    this.diskCache = diskCache;
    this.corruption = corruption;
    SstReaderOptions options = SstReaderOptions.defaults();
    this.readerOptions = cache == null ? options : options.withBlockCache(cache);
  }

  /** The key of table {@code id}, built by this database. */
  String key(String id) {
    return TableKeys.key(dbPath, id);
  }

  /** The key of {@code table}, in its home database's folder if a clone borrows it. */
  String key(TableInfo table) {
    return TableKeys.key(table.homeOr(dbPath), table.id());
  }

  /**
   * Uploads a finished table, unconditionally. A table id is fresh (80 random bits, {@link
   * TableIds}), so no other put targets its key, and a table becomes part of the database only
   * through the manifest's conditional put that lists it: create-if-absent would protect nothing
   * here. Without a condition a large table may go up in parts, and S3 implementations that ignore
   * conditions on multipart completion do no harm (docs/protocol.md, "Conditions never ride on
   * multipart completion").
   */
  public void upload(String id, ByteBuffer bytes) {
    Futures.join(uploadAsync(id, bytes));
  }

  /** Starts uploading a finished table; see {@link #upload}. */
  public CompletableFuture<ObjectMeta> uploadAsync(String id, ByteBuffer bytes) {
    return store.put(key(id), bytes, PutCondition.none());
  }

  /**
   * Starts streaming table {@code id} to the store while it is built, instead of holding it whole
   * for {@link #upload}: see {@link TableUpload}. Unconditional, as {@link #upload} is and for the
   * same reasons. If {@code warmCache}, its {@link TableUpload#builder builder} warms the block
   * cache as {@link #warm} does, with the table's first quarter-of-the-cache of data blocks.
   */
  public TableUpload openUpload(String id, boolean warmCache) {
    ObjectUpload upload = store.upload(key(id));
    return cache == null || !warmCache
        ? new TableUpload(upload, id, null, 0)
        : new TableUpload(upload, id, cache.filler(), cache.maxBytes() / 4);
  }

  /**
   * Puts the blocks of table {@code id}, just built by this process, into the block cache, so that
   * reads right after a flush or compaction do not each cost a GET. Skipped without a cache, and
   * for tables over a quarter of its capacity. Caffeine's admission policy keeps these from pushing
   * out blocks that are read more often. It needs the whole table's bytes; a table streamed with
   * {@link #openUpload} is warmed by its builder instead.
   */
  public void warm(String id, ByteBuffer table) {
    if (cache == null || table.remaining() > cache.maxBytes() / 4) {
      return;
    }
    byte[] bytes = new byte[table.remaining()];
    table.duplicate().get(bytes);
    try {
      SstReader.open(
              key(id),
              id,
              RangeReader.of(bytes),
              SstReaderOptions.defaults().withBlockCache(cache.filler()))
          .loadAllBlocks();
    } catch (CorruptObjectException e) {
      throw corruption.reported(e); // the builder's own bytes: a bug, but a detection all the same
    }
  }

  /** The manifest's description of a table just built under {@code id}. */
  public static TableInfo describe(String id, SstInfo info) {
    return new TableInfo(
        id,
        info.size(),
        info.smallestKey(),
        info.largestKey(),
        info.minSeq(),
        info.maxSeq(),
        info.crc32c());
  }

  /**
   * The versions of {@code table} in {@code [start, end)} (null: unbounded), every one of them, for
   * a compaction: read through a private block source that bypasses the caches (a merge reads each
   * block once) with {@code readAhead}, a {@link ReadAhead#sequential} one, so the table streams in
   * large ranged GETs while the merge works. Shares the open reader's resident parts, so it costs
   * no GET to open once the table is open ({@link #openAll}). Unpositioned, like {@link #iterator}.
   */
  public EntryIterator compactionIterator(
      TableInfo table, byte[] start, byte[] end, ReadAhead readAhead) {
    SstReader reader =
        reader(table).withBlockSource(new StoreRangeReader(store, key(table)), BlockCache.none());
    return Iterators.of(reader.iterator(Long.MAX_VALUE, start, end, readAhead), corruption);
  }

  /**
   * A sequential read-ahead of {@code windowBytes} windows whose damage, found as a window arrives,
   * is reported; for {@link #compactionIterator}.
   */
  public ReadAhead sequentialReadAhead(int windowBytes) {
    return ReadAhead.sequential(windowBytes, corruption);
  }

  /** Scans' read-ahead up to {@code maxBytes}; damage found ahead of a scan is reported. */
  public ReadAhead readAhead(int maxBytes) {
    return ReadAhead.upTo(maxBytes, corruption);
  }

  /**
   * The versions of {@code table} in {@code [start, end)} (null: unbounded) at or below {@code
   * seq}, unpositioned: its first seek reads, so a merge can start the seeks of all its tables at
   * once.
   */
  public EntryIterator iterator(
      TableInfo table, byte[] start, byte[] end, long seq, ReadAhead readAhead) {
    return Iterators.of(reader(table).iterator(seq, start, end, readAhead), corruption);
  }

  /**
   * The newest version of {@code key} at or below {@code seq} in the open table {@code t}, skipping
   * the read when its filter rules the key out.
   */
  public Optional<SstEntry> get(OpenTable t, byte[] key, long seq) {
    SstReader reader = t.reader();
    try {
      return reader.mayContain(key) ? reader.get(key, seq) : Optional.empty();
    } catch (CorruptObjectException e) {
      throw corruption.reported(e);
    }
  }

  /**
   * The data block of {@code t} where a lookup of {@code key} starts, or -1 if its range or filter
   * rules the key out: the first step of a lookup whose block read is issued with others ({@link
   * dev.shaledb.read.MultiGet}). No I/O.
   */
  public int blockFor(OpenTable t, byte[] key) {
    return t.reader().blockFor(key);
  }

  /**
   * Starts the GET of block {@code b} of {@code t}, or completes with null at once if the block
   * cache holds it. A table deleted by garbage collection fails it with {@link
   * dev.shaledb.error.SnapshotTooOldException}, as a blocking read does.
   */
  public CompletableFuture<byte[]> readBlockAsync(OpenTable t, int b) {
    return t.reader().readBlockAsync(b);
  }

  /**
   * The second step: as {@link #get(OpenTable, byte[], long)}, from block {@code b}'s stored bytes
   * (null: through the cache), which are verified here; damage is reported like any other.
   */
  public Optional<SstEntry> get(OpenTable t, byte[] key, long seq, int b, byte[] stored) {
    try {
      return t.reader().get(key, seq, b, stored);
    } catch (CorruptObjectException e) {
      throw corruption.reported(e);
    }
  }

  /** The bytes of all tables {@code state} lists. */
  public static long totalBytes(ManifestState state) {
    long total = 0;
    for (TableInfo t : state.l0()) {
      total += t.sizeBytes();
    }
    for (SortedRun run : state.sortedRuns()) {
      total += run.sizeBytes();
    }
    return total;
  }

  /**
   * Closes the tables not in {@code live}, e.g. after a compaction replaced them, and drops their
   * cached blocks. A read still on an older view reopens what it needs.
   */
  public void retainOnly(Set<String> live) {
    Set<String> dropped = new HashSet<>();
    for (Map.Entry<String, OpenTable> e : open.entrySet()) {
      if (!live.contains(e.getKey())) {
        dropped.add(e.getValue().reader().objectKey());
      }
    }
    open.keySet().retainAll(live);
    if (cache != null) {
      cache.invalidateTables(dropped);
    }
    if (diskCache != null) {
      diskCache.invalidate(dropped);
    }
  }

  /** The open reader of {@code table}, opening it with one suffix GET on first use. */
  public SstReader reader(TableInfo table) {
    return table(table).reader();
  }

  /**
   * {@code table}, opened with one suffix GET on first use. Threads that want it while it opens
   * wait for that open, and only for it (see {@link #opened}).
   */
  public OpenTable table(TableInfo table) {
    OpenTable t = open.get(table.id());
    if (t != null) {
      return t;
    }
    CompletableFuture<OpenTable> mine = new CompletableFuture<>();
    CompletableFuture<OpenTable> first = opening.putIfAbsent(table.id(), mine);
    if (first != null) {
      return Futures.join(first);
    }
    try {
      t = opened(table, rangeReader(table));
      mine.complete(t);
      return t;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      opening.remove(table.id(), mine);
    }
  }

  /**
   * Opens every table of {@code tables} that is not open yet, with up to {@link #OPENS_IN_FLIGHT}
   * suffix GETs in flight at once instead of one after another: a compaction opens all its inputs
   * before it merges them.
   */
  public void openAll(List<TableInfo> tables) {
    List<TableInfo> closed = new ArrayList<>();
    for (TableInfo t : tables) {
      if (!open.containsKey(t.id())) {
        closed.add(t);
      }
    }
    List<StoreRangeReader> started = new ArrayList<>();
    RuntimeException failure = null;
    for (int i = 0; i < closed.size(); i++) {
      while (failure == null && started.size() < Math.min(closed.size(), i + OPENS_IN_FLIGHT)) {
        TableInfo t = closed.get(started.size());
        started.add(rangeReader(t).startTail(readerOptions.tailReadSize()));
      }
      if (i == started.size()) {
        break;
      }
      try {
        opened(closed.get(i), started.get(i));
      } catch (RuntimeException e) {
        // Open the tails already started all the same: a damaged one must be decoded, and so
        // reported, even if nobody needs the table now.
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
      started.set(i, null);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Opens {@code table} through {@code ranges} and keeps it open. Not under the map's lock: a slow
   * GET there would hold up every other table in the same bin (a run compaction's open could stall
   * an L0 compaction's or a read's). {@link #openAll} and a {@link #table} may both open a table
   * (openAll decodes every tail it started, so that damage in one is reported); one reader is kept.
   */
  private OpenTable opened(TableInfo table, StoreRangeReader ranges) {
    String key = key(table);
    SstReader reader;
    try {
      reader = checkSize(table, SstReader.open(key, table.id(), ranges, readerOptions));
    } catch (CorruptObjectException e) {
      throw corruption.reported(e);
    }
    if (ranges instanceof DiskCachedRangeReader cached) {
      cached.table = reader;
    }
    OpenTable fresh =
        new OpenTable(reader, table.smallestKey(), table.largestKey(), table.minSeq());
    OpenTable raced = open.putIfAbsent(table.id(), fresh);
    return raced != null ? raced : fresh;
  }

  private StoreRangeReader rangeReader(TableInfo table) {
    String key = key(table);
    return diskCache == null ? new StoreRangeReader(store, key) : new DiskCachedRangeReader(key);
  }

  private SstReader checkSize(TableInfo table, SstReader reader) {
    String key = reader.objectKey();
    if (reader.objectSize() != table.sizeBytes()) {
      throw new CorruptObjectException(
          key,
          0,
          "object is " + reader.objectSize() + " bytes, the manifest says " + table.sizeBytes());
    }
    return reader;
  }

  /**
   * Reads ranges through the disk cache; the tail read at open goes to the store. Once the table is
   * open, a fetched range is kept only if it holds whole data blocks whose checksums match (which
   * in format 2 also bind them to this table and offset), so a damaged store reply never enters the
   * cache.
   */
  private final class DiskCachedRangeReader extends StoreRangeReader {
    volatile SstReader table; // set once the table is open; until then nothing is admitted

    DiskCachedRangeReader(String key) {
      super(TableStore.this.store, key);
    }

    @Override
    public byte[] read(long offset, int length) {
      return Futures.join(readAsync(offset, length));
    }

    @Override
    public CompletableFuture<byte[]> readAsync(long offset, int length) {
      return diskCache.read(
          key,
          offset,
          length,
          () -> storeReadAsync(offset, length),
          bytes -> {
            SstReader t = table;
            return t != null && t.holdsIntactBlocks(offset, bytes);
          });
    }
  }
}
