package dev.shaledb;

import static java.util.Objects.requireNonNull;

import dev.shaledb.cache.DiskCache;
import dev.shaledb.error.CheckpointNotFoundException;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.DbNotFoundException;
import dev.shaledb.error.SnapshotTooOldException;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.read.ReadPath;
import dev.shaledb.read.ScanIterator;
import dev.shaledb.reader.ReaderCatchUp;
import dev.shaledb.reader.ReaderView;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.support.DbPaths;
import dev.shaledb.support.Keys;
import dev.shaledb.support.StoreClock;
import dev.shaledb.table.CaffeineBlockCache;
import dev.shaledb.table.TableStore;
import dev.shaledb.view.Memtable;
import dev.shaledb.wal.WalReader;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A read-only view of a database that another process (or this one) writes: any number of readers
 * may follow one database, and none of them writes anything to the store or takes an epoch.
 *
 * <p>A reader sees the database's <em>durable</em> state: the tables of the latest manifest plus
 * the WAL objects after its replay anchor, replayed with exactly the rules of a writer's recovery.
 * Writes that were accepted but not yet uploaded ({@link WriteOptions#noWait()}) are not seen until
 * their WAL object lands. It catches up on {@link #refresh()} and, unless {@link
 * DbReaderOptions#pollInterval()} is zero, in the background every poll interval, so a durable
 * write becomes visible within about one interval (docs/readers.md gives the costs). What a reader
 * shows never goes back to an older state, and every read sees one consistent state.
 *
 * <p>With {@link DbReaderOptions#checkpoint()} set, the reader shows the manifest version the
 * checkpoint pinned, exactly as it was (its tables only), and never moves.
 *
 * <p>Keys, bounds and their checks are those of {@link Db}. Thread-safe. The reader does not close
 * the {@link ObjectStore}. Use after {@link #close()} throws {@link DbClosedException}; a corrupt
 * object throws {@link dev.shaledb.error.CorruptObjectException} naming it, and {@link
 * DbReaderOptions#listener()} hears of every one detected, in polls too.
 */
public final class DbReader implements AutoCloseable {
  private final MeteredObjectStore store;
  private final CaffeineBlockCache cache;
  private final DiskCache diskCache; // null: none
  private final ReadPath reads;
  private final TableStore tables;
  private final ReaderCatchUp catchUp; // null for a checkpoint reader
  private final ReaderView pinned; // the checkpoint's view, null when following
  private final java.util.UUID checkpoint; // null when following
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final ScheduledFuture<?> poll;
  private final LongAdder gets = new LongAdder();
  private final LongAdder scans = new LongAdder();
  private final LongAdder pollFailures = new LongAdder();
  private final AtomicBoolean closed = new AtomicBoolean();

  private DbReader(
      MeteredObjectStore store,
      String path,
      DbReaderOptions options,
      CorruptionReporter corruption,
      ReaderCatchUp catchUp,
      ReaderView pinned) {
    this.store = store;
    this.cache =
        options.blockCacheBytes() == 0 ? null : new CaffeineBlockCache(options.blockCacheBytes());
    this.diskCache =
        options.diskCacheDirectory() == null
            ? null
            : DiskCache.open(options.diskCacheDirectory(), options.diskCacheBytes());
    this.tables = new TableStore(store, path, cache, diskCache, corruption);
    this.reads = new ReadPath(tables, options.mergeOperator(), options.clock());
    this.catchUp = catchUp;
    this.pinned = pinned;
    this.checkpoint = options.checkpoint();
    boolean polls = catchUp != null && !options.pollInterval().isZero();
    this.ownsScheduler = polls && options.scheduler() == null;
    this.scheduler = ownsScheduler ? newScheduler() : options.scheduler();
    long nanos = options.pollInterval().toNanos();
    this.poll =
        polls
            ? scheduler.scheduleWithFixedDelay(this::poll, nanos, nanos, TimeUnit.NANOSECONDS)
            : null;
  }

  /** Opens a reader of the database at the root of {@code store} with default options. */
  public static DbReader open(ObjectStore store) {
    return open(store, "", DbReaderOptions.defaults());
  }

  /** Opens a reader of the database under {@code path} in {@code store} with default options. */
  public static DbReader open(ObjectStore store, String path) {
    return open(store, path, DbReaderOptions.defaults());
  }

  /**
   * Opens a reader of the database under {@code path} ("" for the store root) and catches up with
   * its durable state (or reads the checkpoint's manifest) before returning.
   *
   * @throws DbNotFoundException if the path holds no database (no manifest); nothing is created
   * @throws CheckpointNotFoundException if {@code options.checkpoint()} is not listed in the latest
   *     manifest, has expired, or its manifest version was retired
   * @throws dev.shaledb.error.UnsupportedFormatException if the path holds another format version
   */
  public static DbReader open(ObjectStore store, String path, DbReaderOptions options) {
    requireNonNull(store, "store is null");
    requireNonNull(path, "path is null");
    requireNonNull(options, "options is null");
    ManifestKeys.validateDbPath(path);
    MeteredObjectStore metered = new MeteredObjectStore(store);
    CorruptionReporter corruption = new CorruptionReporter(options.listener());
    ManifestStore manifests = new ManifestStore(metered, path, corruption);
    Manifest latest = DbPaths.requireDatabase(manifests);
    if (options.checkpoint() != null) {
      Manifest at = checkpointManifest(metered, path, manifests, latest, options);
      ReaderView view = ReaderView.of(at, new Memtable(), Long.MAX_VALUE);
      return new DbReader(metered, path, options, corruption, null, view);
    }
    ReaderCatchUp catchUp =
        new ReaderCatchUp(
            manifests,
            new WalReader(metered, path, corruption),
            latest,
            options.clock(),
            corruption);
    catchUp.refresh();
    return new DbReader(metered, path, options, corruption, catchUp, null);
  }

  private static Manifest checkpointManifest(
      ObjectStore store,
      String path,
      ManifestStore manifests,
      Manifest latest,
      DbReaderOptions options) {
    Checkpoint checkpoint =
        latest.state().checkpoints().stream()
            .filter(c -> c.id().equals(options.checkpoint()))
            .findFirst()
            .orElseThrow(
                () ->
                    new CheckpointNotFoundException(
                        "checkpoint "
                            + options.checkpoint()
                            + " is not listed in manifest "
                            + latest.id()));
    // Judged by the store's clock, the clock garbage collection judges expiry by (one probe PUT,
    // only for a checkpoint that has an expiry at all).
    if (checkpoint.expireAt() != null && checkpoint.isExpired(StoreClock.now(store, path))) {
      throw new CheckpointNotFoundException(
          "checkpoint " + checkpoint.id() + " expired at " + checkpoint.expireAt());
    }
    if (checkpoint.manifestId() == latest.id()) {
      return latest;
    }
    return manifests
        .read(checkpoint.manifestId())
        .orElseThrow(
            () ->
                new CheckpointNotFoundException(
                    "checkpoint "
                        + checkpoint.id()
                        + " pins manifest "
                        + checkpoint.manifestId()
                        + ", which no longer exists"));
  }

  /** The value of {@code key}, or null if absent. */
  public byte[] get(byte[] key) {
    return get(key, ReadOptions.defaults());
  }

  /**
   * The value of {@code key}, or null if absent. Everything a reader sees is durable, so {@code
   * durableOnly} changes nothing; snapshots belong to a {@link Db} and are refused.
   */
  public byte[] get(byte[] key, ReadOptions options) {
    Keys.checkKey(key);
    checkOptions(options);
    checkOpen();
    gets.increment();
    ReaderView view = view();
    try {
      return reads.get(view.dbView(), key, view.seq());
    } catch (SnapshotTooOldException tableGone) {
      // A table of an old view may have been compacted away and deleted: catch up, try once more.
      // The newest version at the reader's sequence number survives every compaction.
      if (catchUp == null) {
        throw checkpointGone(tableGone);
      }
      view = catchUp();
      return reads.get(view.dbView(), key, view.seq());
    }
  }

  /**
   * The values of {@code keys}, in order, or null for absent ones; as {@link Db#multiGet(List)}.
   */
  public List<byte[]> multiGet(List<byte[]> keys) {
    return multiGet(keys, ReadOptions.defaults());
  }

  /**
   * The values of {@code keys}, in order: element {@code i} is the value of {@code keys.get(i)}, or
   * null if absent. Every key is read from one state of the reader, and the block reads of each
   * table source are issued together, as {@link Db#multiGet(List, ReadOptions)} does. {@code
   * options} as in {@link #get(byte[], ReadOptions)}.
   *
   * @return an unmodifiable list of {@code keys.size()} values (null for absent keys)
   * @throws NullPointerException if {@code keys}, one of its keys or {@code options} is null
   * @throws IllegalArgumentException if a key is empty or too long (the message names its index),
   *     or {@code options} holds a snapshot
   */
  public List<byte[]> multiGet(List<byte[]> keys, ReadOptions options) {
    byte[][] checked = Keys.checkKeys(keys);
    checkOptions(options);
    checkOpen();
    gets.add(checked.length);
    if (checked.length == 0) {
      return List.of();
    }
    ReaderView view = view();
    byte[][] values;
    try {
      values = reads.multiGet(view.dbView(), checked, view.seq());
    } catch (SnapshotTooOldException tableGone) {
      // As in get: catch up and read every key again on the newer view, once.
      if (catchUp == null) {
        throw checkpointGone(tableGone);
      }
      view = catchUp();
      values = reads.multiGet(view.dbView(), checked, view.seq());
    }
    return Collections.unmodifiableList(Arrays.asList(values));
  }

  /**
   * A checkpoint reader's table is gone: the checkpoint was deleted or expired and its tables were
   * collected. Said as such, rather than as a too-old read.
   */
  private CheckpointNotFoundException checkpointGone(SnapshotTooOldException cause) {
    CheckpointNotFoundException e =
        new CheckpointNotFoundException(
            "checkpoint "
                + checkpoint
                + " can no longer be read: its tables were garbage-collected (the checkpoint was"
                + " deleted or expired)");
    e.initCause(cause);
    return e;
  }

  /** The keys in {@code [startInclusive, endExclusive)}; a null bound is unbounded. */
  public DbIterator scan(byte[] startInclusive, byte[] endExclusive) {
    return scan(startInclusive, endExclusive, ReadOptions.defaults());
  }

  /** As {@link #scan(byte[], byte[])}; {@code options} as in {@link #get(byte[], ReadOptions)}. */
  public DbIterator scan(byte[] startInclusive, byte[] endExclusive, ReadOptions options) {
    return scan(startInclusive, endExclusive, options, false);
  }

  /** The keys in {@code [startInclusive, endExclusive)} in descending order; see {@link Db}. */
  public DbIterator scanReverse(byte[] startInclusive, byte[] endExclusive) {
    return scanReverse(startInclusive, endExclusive, ReadOptions.defaults());
  }

  /** As {@link #scanReverse(byte[], byte[])}; {@code options} as in {@link #scan}. */
  public DbIterator scanReverse(byte[] startInclusive, byte[] endExclusive, ReadOptions options) {
    return scan(startInclusive, endExclusive, options, true);
  }

  private DbIterator scan(byte[] start, byte[] end, ReadOptions options, boolean reverse) {
    Keys.checkBound(start, "startInclusive");
    Keys.checkBound(end, "endExclusive");
    checkOptions(options);
    checkOpen();
    scans.increment();
    ReaderView view = view();
    // Not resumable: the compactor (elsewhere) does not know this reader's sequence number, so the
    // latest tables may lack versions this scan still needs. A collected table is an error.
    return new ScanIterator(
        reads.scan(view.dbView(), start, end, view.seq(), reverse, options.readAheadBytes()),
        null,
        e -> catchUp == null ? checkpointGone(e) : e,
        null,
        closed::get);
  }

  /** The keys starting with {@code prefix}. */
  public DbIterator scanPrefix(byte[] prefix) {
    return scanPrefix(prefix, ReadOptions.defaults());
  }

  /** The keys starting with {@code prefix}; {@code options} as in {@link #scan}. */
  public DbIterator scanPrefix(byte[] prefix, ReadOptions options) {
    requireNonNull(prefix, "prefix is null");
    Keys.checkBound(prefix, "prefix");
    return scan(prefix, Keys.prefixEnd(prefix), options, false);
  }

  /** The keys starting with {@code prefix}, descending. */
  public DbIterator scanPrefixReverse(byte[] prefix) {
    return scanPrefixReverse(prefix, ReadOptions.defaults());
  }

  /** The keys starting with {@code prefix}, descending; {@code options} as in {@link #scan}. */
  public DbIterator scanPrefixReverse(byte[] prefix, ReadOptions options) {
    requireNonNull(prefix, "prefix is null");
    Keys.checkBound(prefix, "prefix");
    return scan(prefix, Keys.prefixEnd(prefix), options, true);
  }

  /**
   * Catches up with the database's durable state now and returns the manifest id then read (a
   * checkpoint reader returns its pinned id at once). Blocks on the object store.
   */
  public long refresh() {
    checkOpen();
    return catchUp == null ? pinned.manifestId() : catchUp().manifestId();
  }

  /** The id of the manifest version whose tables the reader reads. */
  public long manifestId() {
    checkOpen();
    return view().manifestId();
  }

  /** The reader's state and counters. */
  public DbReaderStats stats() {
    ReaderView v = view();
    DiskCache.Stats disk = diskCache == null ? null : diskCache.stats();
    return new DbReaderStats(
        v.manifestId(),
        catchUp == null ? v.lastFlushedSeq() : v.seq(),
        catchUp == null ? 0 : catchUp.nextWalId(),
        v.memtable().approximateBytes(),
        v.memtable().entryCount(),
        v.manifest().state().l0().size(),
        v.manifest().state().sortedRuns().size(),
        catchUp == null ? 0 : catchUp.refreshes.sum(),
        pollFailures.sum(),
        catchUp == null ? 0 : catchUp.manifestSwitches.sum(),
        catchUp == null ? 0 : catchUp.walObjectsApplied.sum(),
        catchUp == null ? null : catchUp.lastRefreshAt(),
        gets.sum(),
        scans.sum(),
        cache == null ? 0 : cache.hits(),
        cache == null ? 0 : cache.misses(),
        cache == null ? 0 : cache.weightedBytes(),
        store.snapshot(),
        disk == null ? 0 : disk.hits(),
        disk == null ? 0 : disk.misses(),
        disk == null ? 0 : disk.bytes(),
        disk == null ? 0 : disk.damaged());
  }

  /**
   * Stops polling, waits for a running refresh, and releases the caches. Idempotent. Iterators
   * already open throw {@link DbClosedException} from then on.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (poll != null) {
      poll.cancel(false);
    }
    if (catchUp != null) {
      catchUp.stop();
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    if (diskCache != null) {
      diskCache.close();
    }
  }

  private ReaderView view() {
    return catchUp == null ? pinned : catchUp.view();
  }

  /** One background catch-up; a failure keeps the current view and is retried at the next poll. */
  /** Catches up and closes the tables the new view no longer lists (compacted away). */
  private ReaderView catchUp() {
    ReaderView v = catchUp.refresh();
    tables.retainOnly(v.dbView().manifest().tableIds());
    return v;
  }

  private void poll() {
    if (closed.get()) {
      return;
    }
    try {
      catchUp();
    } catch (DbClosedException closing) {
      // close() won the race; nothing to do
    } catch (RuntimeException e) {
      pollFailures.increment(); // transient store errors: the next poll retries
    }
  }

  private static void checkOptions(ReadOptions options) {
    requireNonNull(options, "options is null");
    if (options.snapshot() != null) {
      throw new IllegalArgumentException(
          "a DbReader does not take snapshots (they belong to a Db); open a reader on a"
              + " checkpoint for a fixed state");
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new DbClosedException("reader");
    }
  }

  private static ScheduledExecutorService newScheduler() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = Executors.defaultThreadFactory().newThread(r);
              t.setName("shaledb-reader-" + t.getName());
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return executor;
  }
}
