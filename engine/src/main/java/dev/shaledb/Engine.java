package dev.shaledb;

import dev.shaledb.engine.CaffeineBlockCache;
import dev.shaledb.engine.VisibleIterator;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.DbException;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.objectstore.ObjectStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** The parts of an open database and their lifecycle; {@link Db} is its public face. */
final class Engine {
  private final DbOptions options;
  private final MeteredObjectStore store;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final CaffeineBlockCache cache;
  private final Recovery.Recovered recovered;
  private final ViewRef view;
  private final Counters counters = new Counters();
  private final Snapshots snapshots = new Snapshots();
  private final MemoryBudget budget;
  private final WritePath writes;
  private final Flusher flusher;
  private final ReadPath reads;
  private final TableStore tables;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Checkpoints checkpoints;
  private final GarbageCollector gc;

  private Engine(
      DbOptions options,
      MeteredObjectStore store,
      ScheduledExecutorService scheduler,
      boolean ownsScheduler,
      String path,
      Recovery.Recovered recovered) {
    this.options = options;
    this.store = store;
    this.scheduler = scheduler;
    this.ownsScheduler = ownsScheduler;
    this.recovered = recovered;
    this.cache =
        options.blockCacheBytes() == 0 ? null : new CaffeineBlockCache(options.blockCacheBytes());
    this.tables = new TableStore(store, path, cache);
    this.view = new ViewRef(new DbView(recovered.memtable(), List.of(), recovered.state()));
    this.budget =
        new MemoryBudget(
            options.maxUnflushedBytes(),
            options.writeStallTimeout(),
            () -> view.get().unflushedBytes());
    Flusher[] flusherRef = new Flusher[1];
    this.writes =
        new WritePath(
            recovered.wal(),
            view,
            budget,
            counters,
            options.memtableBytes(),
            recovered.lastSeq(),
            () -> flusherRef[0].wakeUp());
    this.flusher =
        new Flusher(
            view,
            recovered.manifest(),
            recovered.wal(),
            tables,
            new TableIds(options.clock(), new SecureRandom()),
            options.tableOptions(),
            scheduler,
            counters,
            writes,
            budget);
    flusherRef[0] = flusher;
    this.reads = new ReadPath(tables);
    this.checkpoints = new Checkpoints(recovered.manifest(), store, path, UUID::randomUUID);
    this.gc =
        GarbageCollector.create(store, path, options.gc(), scheduler, checkpoints::pruneExpired);
  }

  static Engine open(ObjectStore userStore, String path, DbOptions options) {
    MeteredObjectStore store = new MeteredObjectStore(userStore);
    boolean owns = options.scheduler() == null;
    ScheduledExecutorService scheduler = owns ? newScheduler() : options.scheduler();
    try {
      Recovery.Recovered recovered =
          Recovery.open(store, path, options.walOptions().withScheduler(scheduler));
      Engine engine = new Engine(options, store, scheduler, owns, path, recovered);
      if (recovered.memtable().approximateBytes() >= options.memtableBytes()) {
        engine.writes.freezeNow();
      }
      return engine;
    } catch (RuntimeException e) {
      if (owns) {
        scheduler.shutdownNow();
      }
      throw e;
    }
  }

  void write(WriteBatch batch, WriteOptions writeOptions) {
    writes.write(batch, writeOptions);
  }

  byte[] get(byte[] key, ReadOptions readOptions) {
    checkOpen();
    counters.gets.increment();
    return reads.get(view.get(), key, readSeq(readOptions));
  }

  DbIterator scan(byte[] start, byte[] end, ReadOptions readOptions) {
    checkOpen();
    counters.scans.increment();
    VisibleIterator it = reads.scan(view.get(), start, end, readSeq(readOptions));
    return new ScanIterator(it);
  }

  Snapshot snapshot() {
    checkOpen();
    return snapshots.take(writes.visibleSeq());
  }

  void flush() {
    checkOpen();
    writes.flush();
  }

  DbStats stats() {
    DbView v = view.get();
    return new DbStats(
        counters.puts.sum(),
        counters.deletes.sum(),
        counters.batches.sum(),
        counters.bytesWritten.sum(),
        counters.gets.sum(),
        counters.scans.sum(),
        writes.visibleSeq(),
        writes.durableSeq(),
        v.active().approximateBytes(),
        v.frozen().size(),
        v.unflushedBytes(),
        counters.flushes.sum(),
        v.manifest().l0().size(),
        v.manifest().sortedRuns().size(),
        counters.tableBytesWritten.sum(),
        budget.stallNanos(),
        cache == null ? 0 : cache.hits(),
        cache == null ? 0 : cache.misses(),
        cache == null ? 0 : cache.weightedBytes(),
        micros(0.5),
        micros(0.99),
        micros(0.999),
        store.snapshot());
  }

  /**
   * Refuses new writes, makes accepted ones durable, flushes the memtables if configured, then
   * stops background work. A fenced or failed database skips the uploads.
   */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    gc.close();
    try {
      writes.close();
      if (writes.failure() == null) {
        Futures.join(recovered.wal().flush());
        if (options.flushOnClose()) {
          writes.freezeNow();
          flusher.drain();
        }
      }
    } finally {
      flusher.stop();
      recovered.wal().close();
      if (ownsScheduler) {
        scheduler.shutdown();
        awaitTermination();
      }
    }
  }

  GcResult collectGarbage() {
    checkOpen();
    return gc.run();
  }

  Checkpoint createCheckpoint(String name, Duration lifetime, boolean flushFirst) {
    checkOpen();
    if (flushFirst) {
      flushMemtables();
    }
    return checkpoints.create(name, lifetime);
  }

  List<Checkpoint> listCheckpoints() {
    checkOpen();
    return checkpoints.list();
  }

  boolean deleteCheckpoint(UUID id) {
    checkOpen();
    return checkpoints.delete(id);
  }

  /** Uploads every write accepted so far as tables listed in the latest manifest. */
  private void flushMemtables() {
    long target = writes.visibleSeq();
    writes.freezeNow();
    flusher.drain();
    RuntimeException failure = writes.failure();
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

  private void awaitTermination() {
    try {
      scheduler.awaitTermination(
          options.walOptions().closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private long micros(double quantile) {
    return counters.durableAcks.quantileNanos(quantile) / 1000;
  }

  private long readSeq(ReadOptions readOptions) {
    long seq =
        readOptions.snapshot() == null
            ? writes.visibleSeq()
            : snapshots.sequenceOf(readOptions.snapshot());
    return readOptions.durableOnly() ? Math.min(seq, writes.durableSeq()) : seq;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new DbClosedException("database");
    }
  }

  private static ScheduledExecutorService newScheduler() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            2,
            r -> {
              Thread t = Executors.defaultThreadFactory().newThread(r);
              t.setName("shaledb-" + t.getName());
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return executor;
  }
}
