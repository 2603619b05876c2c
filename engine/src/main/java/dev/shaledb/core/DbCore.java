package dev.shaledb.core;

import dev.shaledb.CompactionOptions;
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
import dev.shaledb.compaction.Compactions;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.DbException;
import dev.shaledb.gc.Checkpoints;
import dev.shaledb.gc.GcService;
import dev.shaledb.iterate.VersionRewriter;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.FenceableManifest;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.read.LatestReads;
import dev.shaledb.read.ReadPath;
import dev.shaledb.sst.RangeTombstones;
import dev.shaledb.support.BackgroundHealth;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.support.Counters;
import dev.shaledb.support.Errors;
import dev.shaledb.support.Expiry;
import dev.shaledb.support.StoreChecks;
import dev.shaledb.support.Threads;
import dev.shaledb.table.CaffeineBlockCache;
import dev.shaledb.table.TableIds;
import dev.shaledb.table.TableStore;
import dev.shaledb.view.DbView;
import dev.shaledb.view.ViewRef;
import dev.shaledb.wal.WalEntry;
import dev.shaledb.write.Flusher;
import dev.shaledb.write.MemoryBudget;
import dev.shaledb.write.Recovery;
import dev.shaledb.write.WritePath;
import dev.shaledb.write.WriterState;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The parts of an open database and their lifecycle; {@link Db} is its public face. */
public final class DbCore {
  private static final Logger LOG = LoggerFactory.getLogger(DbCore.class);

  private final DbOptions options;
  private final MeteredObjectStore store;
  private final ScheduledExecutorService scheduler;
  private final ScheduledExecutorService background;
  private final boolean ownsScheduler;
  private final CaffeineBlockCache cache;
  private final DiskCache diskCache; // null: none
  private final Recovery.Recovered recovered;
  private final ViewRef view;
  private final Counters counters = new Counters();
  private final MemoryBudget budget;
  private final WriterState state;
  private final WritePath writes;
  private final Flusher flusher;
  private final ViewFollower follower;
  private final LatestReads latest;
  private final Transactions transactions;
  private final TableStore tables;
  private final TableIds tableIds;
  private volatile Compactions compactions;
  private volatile ScheduledFuture<?> manifestPoll;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Checkpoints checkpoints;
  private final GcService gc;
  private final CorruptionReporter corruption;
  private final BackgroundHealth health;

  private DbCore(
      DbOptions options,
      MeteredObjectStore store,
      ScheduledExecutorService scheduler,
      ScheduledExecutorService background,
      boolean ownsScheduler,
      String path,
      Recovery.Recovered recovered,
      DiskCache diskCache,
      CorruptionReporter corruption) {
    this.options = options;
    this.corruption = corruption;
    this.health = new BackgroundHealth(options.listener());
    this.store = store;
    this.scheduler = scheduler;
    this.background = background;
    this.ownsScheduler = ownsScheduler;
    this.recovered = recovered;
    this.cache =
        options.blockCacheBytes() == 0 ? null : new CaffeineBlockCache(options.blockCacheBytes());
    this.diskCache = diskCache;
    this.tables = new TableStore(store, path, cache, diskCache, corruption);
    this.view = new ViewRef(new DbView(recovered.memtable(), recovered.manifest().latest()));
    CompactionOptions compaction = options.compaction();
    this.budget =
        new MemoryBudget(
            options.maxUnflushedBytes(),
            options.writeStallTimeout(),
            () -> view.get().unflushedBytes(),
            () -> view.get().manifest().l0().size(),
            compaction.l0SlowdownTables(),
            compaction.l0StopTables());
    this.tableIds = new TableIds(options.clock(), new SecureRandom());
    this.state = new WriterState(recovered.lastSeq(), budget);
    this.flusher =
        new Flusher(
            view,
            recovered.manifest(),
            recovered.wal(),
            tables,
            tableIds,
            options.tableOptions(),
            background,
            counters,
            state,
            budget,
            compaction.l0StopTables(),
            () ->
                new VersionRewriter.Policy(
                    retainSeq(),
                    false,
                    options.mergeOperator(),
                    options.clock().millis() - compaction.expiryGrace().toMillis(),
                    null,
                    RangeTombstones.empty()),
            this::flushed,
            options.listener(),
            health);
    long defaultTtl =
        options.defaultTtl() == null ? Expiry.DEFAULT : Expiry.ttlMillis(options.defaultTtl());
    this.writes =
        new WritePath(
            recovered.wal(),
            view,
            state,
            budget,
            counters,
            options.memtableBytes(),
            recovered.lastSeq(),
            flusher::wakeUp,
            options.listener(),
            options.conflictHistoryBytes(),
            entries -> Expiry.stamp(entries, nowMillis(), defaultTtl));
    this.follower =
        new ViewFollower(view, tables, recovered.manifest(), state, () -> compactions, health);
    this.latest =
        new LatestReads(
            new ReadPath(tables, options.mergeOperator(), options.clock()),
            follower,
            new LatestReads.Writer() {
              @Override
              public long visibleSeq() {
                return state.visibleSeq();
              }

              @Override
              public long durableSeq() {
                return state.durableSeq();
              }

              @Override
              public RuntimeException failure() {
                return state.failure();
              }
            },
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
  }

  public static DbCore open(ObjectStore userStore, String path, DbOptions options) {
    // Before anything is written: a store that would not fence is refused with the database as
    // it was. On the user's store, so a second open in this process costs no request.
    CorruptionReporter corruption = new CorruptionReporter(options.listener());
    StoreChecks.verify(userStore, path, corruption);
    MeteredObjectStore store = new MeteredObjectStore(userStore);
    boolean owns = options.scheduler() == null;
    ScheduledExecutorService scheduler = owns ? Threads.scheduler("wal", 2) : options.scheduler();
    // Flushes, compaction retries, GC and manifest polls block on the store, so they run on the
    // engine's own threads: blocking the WAL's scheduler, which may also run the store's retries
    // and completions, could leave nothing to complete what they wait for.
    boolean ownsBackground = options.background() == null;
    ScheduledExecutorService background =
        ownsBackground ? Threads.scheduler("background", 2) : options.background();
    DiskCache diskCache = null;
    try {
      diskCache =
          options.diskCacheDirectory() == null
              ? null
              : DiskCache.open(options.diskCacheDirectory(), options.diskCacheBytes());
      Recovery.Recovered recovered =
          Recovery.open(
              store,
              path,
              options.walOptions().withScheduler(scheduler),
              options.memtableBytes(),
              options.listener(),
              corruption);
      DbCore engine =
          new DbCore(
              options, store, scheduler, background, owns, path, recovered, diskCache, corruption);
      engine.startCompaction(store, path);
      if (recovered.memtable().approximateBytes() >= options.memtableBytes()) {
        engine.writes.freezeNow();
      }
      return engine;
    } catch (RuntimeException e) {
      if (diskCache != null) {
        diskCache.close();
      }
      if (ownsBackground) {
        background.shutdownNow();
      }
      if (owns) {
        scheduler.shutdownNow();
      }
      throw e;
    }
  }

  /**
   * Starts the in-process compactor, which fences any other compactor; or, with compaction
   * elsewhere, polls the manifest so reads move to the tables another process compacted.
   */
  private void startCompaction(ObjectStore store, String path) {
    CompactionOptions compaction = options.compaction();
    if (compaction.enabled()) {
      compactions =
          new Compactions(
              FenceableManifest.openCompactor(new ManifestStore(store, path, corruption)),
              tables,
              tableIds,
              options.tableOptions(),
              compaction,
              options.clock(),
              this::retainSeq,
              follower::adopt,
              background,
              options.listener(),
              health);
      compactions.wake();
    }
    // Also with compaction here: once another compactor fences this one, reads must follow the
    // tables it writes. The poll costs nothing while this process's compactor is in charge.
    long millis = compaction.pollInterval().toMillis();
    manifestPoll =
        background.scheduleWithFixedDelay(
            () -> {
              if (!follower.poll()) {
                manifestPoll.cancel(false);
              }
            },
            millis,
            millis,
            TimeUnit.MILLISECONDS);
  }

  /** The oldest sequence number a reader may read at: every newer version must be kept. */
  private long retainSeq() {
    return latest.retainSeq();
  }

  /** After a flush published {@code m}: compaction may have work. */
  private void flushed(Manifest m) {
    if (compactions != null) {
      compactions.offer(m);
    }
  }

  /** Waits until compaction has nothing to do; false on timeout or if it does not run here. */
  public boolean awaitCompactions(Duration timeout) throws InterruptedException {
    return compactions != null && compactions.awaitIdle(timeout);
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

  public void flush() {
    checkOpen();
    writes.flush();
  }

  public DbStats stats() {
    DbView v = view.get();
    DiskCache.Stats disk = diskCache == null ? null : diskCache.stats();
    return new DbStats(
        counters.puts.sum(),
        counters.deletes.sum(),
        counters.batches.sum(),
        counters.bytesWritten.sum(),
        counters.gets.sum(),
        counters.scans.sum(),
        state.visibleSeq(),
        state.durableSeq(),
        v.active().approximateBytes(),
        v.frozen().size(),
        v.unflushedBytes(),
        counters.flushes.sum(),
        v.manifest().l0().size(),
        v.manifest().sortedRuns().size(),
        TableStore.totalBytes(v.manifest()),
        counters.tableBytesWritten.sum(),
        budget.stallNanos(),
        compactions == null ? 0 : compactions.completed.sum(),
        compactions == null ? 0 : compactions.bytesRead.sum(),
        compactions == null ? 0 : compactions.bytesWritten.sum(),
        cache == null ? 0 : cache.hits(),
        cache == null ? 0 : cache.misses(),
        cache == null ? 0 : cache.weightedBytes(),
        micros(0.5),
        micros(0.99),
        micros(0.999),
        store.snapshot(),
        health.failures(),
        health.lastError(),
        counters.condemnedUploads.sum() + (compactions == null ? 0 : compactions.condemned.sum()),
        disk == null ? 0 : disk.hits(),
        disk == null ? 0 : disk.misses(),
        disk == null ? 0 : disk.bytes(),
        disk == null ? 0 : disk.damaged(),
        counters.merges.sum(),
        counters.rangeDeletes.sum());
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
    // Running compactions are abandoned (their outputs become garbage) rather than awaited; the
    // next open's compactor redoes them.
    if (compactions != null) {
      compactions.close();
    }
    try {
      writes.close();
      if (state.failure() == null) {
        Futures.join(recovered.wal().flush());
        if (options.flushOnClose()) {
          writes.freezeNow();
          flusher.drain();
        }
      }
    } finally {
      if (manifestPoll != null) {
        manifestPoll.cancel(false);
      }
      flusher.stop();
      if (options.background() == null) {
        background.shutdown();
        awaitTermination(background);
      }
      recovered.wal().close();
      if (diskCache != null) {
        diskCache.close();
      }
      if (ownsScheduler) {
        scheduler.shutdown();
        awaitTermination(scheduler);
      }
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
    long target = state.visibleSeq();
    writes.freezeNow();
    flusher.drain();
    RuntimeException failure = state.failure();
    if (failure != null) {
      throw Errors.rethrowable(failure);
    }
    checkOpen();
    long flushed = view.get().manifest().lastFlushedSeq();
    if (flushed < target) {
      throw new DbException(
          "memtables were not flushed: tables hold writes up to " + flushed + ", not " + target);
    }
  }

  private void awaitTermination(ScheduledExecutorService executor) {
    try {
      executor.awaitTermination(
          options.walOptions().closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private long micros(double quantile) {
    return counters.durableAcks.quantileNanos(quantile) / 1000;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new DbClosedException("database");
    }
  }
}
