package dev.shaledb.core;

import dev.shaledb.Db;
import dev.shaledb.DbIterator;
import dev.shaledb.DbOptions;
import dev.shaledb.DbStats;
import dev.shaledb.GcResult;
import dev.shaledb.ReadOptions;
import dev.shaledb.Snapshot;
import dev.shaledb.Transaction;
import dev.shaledb.TransactionOptions;
import dev.shaledb.WriteOptions;
import dev.shaledb.cache.DiskCache;
import dev.shaledb.clone.CloneCreation;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.DbException;
import dev.shaledb.gc.Checkpoints;
import dev.shaledb.gc.GcService;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.read.LatestReads;
import dev.shaledb.read.ReadPath;
import dev.shaledb.support.BackgroundHealth;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.support.Counters;
import dev.shaledb.support.DbPaths;
import dev.shaledb.support.StoreChecks;
import dev.shaledb.table.CaffeineBlockCache;
import dev.shaledb.table.TableIds;
import dev.shaledb.table.TableStore;
import dev.shaledb.view.DbView;
import dev.shaledb.view.ViewRef;
import dev.shaledb.wal.WalEntry;
import dev.shaledb.write.Recovery;
import dev.shaledb.write.WritePath;
import dev.shaledb.write.WriterState;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of an open database and their lifecycle; {@link Db} is its public face. The parts are
 * the {@link WriteSide write side}, the latest reads and transactions over the {@link ViewFollower
 * followed} view, {@link CompactionService compaction}, garbage collection and checkpoints, on the
 * {@link DbThreads executors} the options name or the engine's own.
 *
 * <p>Invariants: parts open in recovery order (the store's fencing check, the disk cache, WAL and
 * manifest recovery, then the parts over them, compaction last); a failed open shuts down the
 * executors it created and closes the disk cache. {@link #close()} runs once: GC and compaction
 * stop first (running compactions are abandoned, not awaited), accepted writes are made durable
 * before the flusher and the executors stop, and the WAL closes before its scheduler. After close,
 * reads, flushes, transactions, GC and checkpoint calls fail with {@link DbClosedException}.
 */
public final class DbCore {
  private static final Logger LOG = LoggerFactory.getLogger(DbCore.class);

  private final DbOptions options;
  private final DbThreads threads;
  private final DiskCache diskCache; // null: none
  private final Recovery.Recovered recovered;
  private final ViewRef view;
  private final WriteSide writeSide;
  private final WritePath writes;
  private final LatestReads latest;
  private final Transactions transactions;
  private final CompactionService compaction;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Checkpoints checkpoints;
  private final GcService gc;
  private final StatsSources stats;

  private DbCore(
      DbOptions options,
      MeteredObjectStore store,
      DbThreads threads,
      String path,
      Recovery.Recovered recovered,
      DiskCache diskCache,
      CorruptionReporter corruption) {
    this.options = options;
    this.threads = threads;
    this.recovered = recovered;
    this.diskCache = diskCache;
    BackgroundHealth health = new BackgroundHealth(options.listener());
    ScheduledExecutorService background = threads.background();
    Counters counters = new Counters();
    CaffeineBlockCache cache =
        options.blockCacheBytes() == 0 ? null : new CaffeineBlockCache(options.blockCacheBytes());
    TableStore tables = new TableStore(store, path, cache, diskCache, corruption);
    TableIds tableIds = new TableIds(options.clock(), new SecureRandom());
    this.view = new ViewRef(new DbView(recovered.memtable(), recovered.manifest().latest()));
    this.compaction = new CompactionService(options, background, health);
    this.writeSide =
        new WriteSide(
            options,
            recovered,
            view,
            tables,
            tableIds,
            background,
            counters,
            health,
            this::retainSeq,
            compaction::flushed);
    this.writes = writeSide.writes();
    WriterState state = writeSide.state();
    ViewFollower follower =
        new ViewFollower(view, tables, recovered.manifest(), state, compaction::current, health);
    this.latest =
        new LatestReads(
            new ReadPath(tables, options.mergeOperator(), options.clock()),
            follower,
            writeSide.forReads(),
            counters,
            closed::get);
    this.transactions = new Transactions(latest, writes, this::checkOpen, options.mergeOperator());
    this.checkpoints =
        new Checkpoints(recovered.manifest(), store, path, UUID::randomUUID, options.listener());
    this.gc =
        GcService.start(
            store,
            path,
            options.gc(),
            background,
            checkpoints::pruneExpired,
            options.listener(),
            health);
    this.stats =
        new StatsSources(
            counters,
            view,
            state,
            writeSide.budget(),
            compaction,
            cache,
            diskCache,
            store,
            health,
            options.bulkLoad());
    compaction.start(store, path, corruption, tables, tableIds, this::retainSeq, follower);
  }

  public static DbCore open(ObjectStore userStore, String path, DbOptions options) {
    CorruptionReporter corruption = new CorruptionReporter(options.listener());
    MeteredObjectStore store = new MeteredObjectStore(userStore);
    // Creating a database beside someone else's files is refused before anything is written; an
    // existing database (a manifest) is never listed. The latest manifest read here stays cached,
    // so recovery does not look for it again.
    ManifestStore manifests = new ManifestStore(store, path, corruption);
    if (manifests.readLatest().isEmpty() && !options.allowForeignObjects()) {
      DbPaths.requireNoForeignObjects(store, path);
    }
    // Before anything is written: a store that would not fence is refused with the database as
    // it was. On the user's store, so a second open in this process costs no request.
    StoreChecks.verify(userStore, path, corruption);
    DbThreads threads = DbThreads.start(options);
    DiskCache diskCache = null;
    try {
      diskCache =
          options.diskCacheDirectory() == null
              ? null
              : DiskCache.open(options.diskCacheDirectory(), options.diskCacheBytes());
      Recovery.Recovered recovered =
          Recovery.open(
              store,
              manifests,
              options.walOptions().withScheduler(threads.scheduler()),
              options.memtableBytes(),
              options.listener(),
              corruption);
      DbCore engine = new DbCore(options, store, threads, path, recovered, diskCache, corruption);
      if (options.bulkLoad()) {
        LOG.info(
            "database '{}' open in bulk-load mode: writes skip the WAL, and a crash loses every"
                + " write accepted after the last published flush",
            path);
      }
      if (recovered.memtable().approximateBytes() >= options.memtableBytes()) {
        engine.writes.freezeNow();
      }
      return engine;
    } catch (RuntimeException e) {
      if (diskCache != null) {
        diskCache.close();
      }
      threads.abort();
      throw e;
    }
  }

  /** The oldest sequence number a reader may read at: every newer version must be kept. */
  private long retainSeq() {
    return latest.retainSeq();
  }

  /** Waits until compaction has nothing to do; false on timeout or if it does not run here. */
  public boolean awaitCompactions(Duration timeout) throws InterruptedException {
    return compaction.awaitIdle(timeout);
  }

  /** The writer's clock now: what times to live count from. */
  public long nowMillis() {
    return options.clock().millis();
  }

  /** Applies {@code batch} (its entries and their approximate size); see {@link Db#writeAsync}. */
  public CompletableFuture<Void> writeAsync(List<WalEntry> batch, long bytes) {
    return writes.writeAsync(batch, bytes);
  }

  public void write(List<WalEntry> batch, long bytes, WriteOptions writeOptions) {
    writes.write(batch, bytes, writeOptions);
  }

  public byte[] get(byte[] key, ReadOptions readOptions) {
    checkOpen();
    return latest.get(key, readOptions);
  }

  /** The values of {@code keys} at one sequence number; see {@link Db#multiGet}. */
  public byte[][] multiGet(byte[][] keys, ReadOptions readOptions) {
    checkOpen();
    return latest.multiGet(keys, readOptions);
  }

  public DbIterator scan(byte[] start, byte[] end, ReadOptions readOptions, boolean reverse) {
    checkOpen();
    return latest.scan(start, end, readOptions, reverse);
  }

  public Snapshot snapshot() {
    checkOpen();
    return latest.snapshot();
  }

  /** A transaction reading at the last applied write; see {@link dev.shaledb.Transaction}. */
  public Transaction beginTransaction(TransactionOptions transactionOptions) {
    checkOpen();
    return transactions.begin(transactionOptions);
  }

  /**
   * Makes every accepted write durable: through the WAL, or in bulk-load mode, which has none, by
   * flushing the memtables.
   */
  public void flush() {
    checkOpen();
    if (options.bulkLoad()) {
      flushMemtables();
    } else {
      writes.flush();
    }
  }

  public DbStats stats() {
    return stats.snapshot();
  }

  /**
   * Refuses new writes, makes accepted ones durable, flushes the memtables if configured, then
   * stops background work. A fenced or failed database skips the uploads.
   */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    gc.close();
    compaction.close();
    try {
      writeSide.close(options.flushOnClose());
    } finally {
      compaction.stopPolling();
      writeSide.stopFlusher();
      threads.stopBackground();
      recovered.wal().close();
      if (diskCache != null) {
        diskCache.close();
      }
      threads.stopScheduler();
    }
  }

  public GcResult collectGarbage() {
    checkOpen();
    return gc.run();
  }

  public Checkpoint createCheckpoint(String name, Duration lifetime, boolean flushFirst) {
    checkOpen();
    if (flushFirst) {
      flushMemtables();
    }
    return checkpoints.create(name, lifetime);
  }

  public CloneCreation.Created createClone(String target) {
    checkOpen();
    flushMemtables();
    return checkpoints.cloneTo(target);
  }

  public List<Checkpoint> listCheckpoints() {
    checkOpen();
    return checkpoints.list();
  }

  public boolean deleteCheckpoint(UUID id) {
    checkOpen();
    return checkpoints.delete(id);
  }

  /** The manifest state reads currently use; for tests. */
  public ManifestState manifestState() {
    return view.get().manifest();
  }

  /** Uploads every write accepted so far as tables listed in the latest manifest. */
  public void flushMemtables() {
    long target = writeSide.flushAll();
    checkOpen();
    long flushed = view.get().manifest().lastFlushedSeq();
    if (flushed < target) {
      throw new DbException(
          "memtables were not flushed: tables hold writes up to " + flushed + ", not " + target);
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new DbClosedException("database");
    }
  }
}
