package dev.shaledb.bench;

import dev.shaledb.Db;
import dev.shaledb.DbOptions;
import dev.shaledb.DbStats;
import dev.shaledb.ReadOptions;
import dev.shaledb.WriteBatch;
import dev.shaledb.WriteOptions;
import dev.shaledb.bench.db.BenchData;
import dev.shaledb.objectstore.LocalFileObjectStore;
import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.objectstore.ObjectStores;
import dev.shaledb.wal.WalWriterOptions;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The driver's db_bench-style run on ShaleDB: a fill, durable overwrites at each concurrency,
 * uncached and cached random reads, an idle spell and a reopen that replays WAL objects, each phase
 * measured separately through a {@link MeteredObjectStore} wrapped around the (optionally
 * latency-simulating) store. Prints the report, and writes JSON and a chart if asked.
 */
final class DbBench {
  private final DbBenchOptions options;
  private final MeteredObjectStore store;
  private final String path;
  private final byte[][] values;
  private final List<PhaseResult> phases = new ArrayList<>();
  private final List<PhaseResult> sweep = new ArrayList<>();
  private final Report report;
  private final ReadPhases readPhases;
  private long userBytes;

  private DbBench(DbBenchOptions options, MeteredObjectStore store, String path, Report report) {
    this.options = options;
    this.store = store;
    this.path = path;
    this.values = BenchData.values(options.valueSize(), options.seed());
    this.report = report;
    this.readPhases = new ReadPhases(options, store, this::add);
  }

  static void run(DbBenchOptions options) {
    Path temp = options.store() == null ? BenchData.tempDir("shaledb-bench-") : null;
    ObjectStore base =
        temp != null ? new LocalFileObjectStore(temp) : ObjectStores.open(options.store());
    String where = temp != null ? temp.toUri().toString() : options.store();
    if (options.simulateS3()) {
      base =
          new SimulatedS3Store(
              base,
              LatencyModel.s3Like(options.putLatencyMillis()),
              LatencyModel.s3Like(options.getLatencyMillis()),
              options.seed());
    }
    // a fresh path per run, so runs against a shared bucket never meet
    String path = temp != null ? "db" : "shaledb-bench/" + System.currentTimeMillis();
    Report report = new Report(options, where, path);
    try (MeteredObjectStore metered = new MeteredObjectStore(base)) {
      DbBench bench = new DbBench(options, metered, path, report);
      bench.runPhases();
      report.summary(bench.phases, bench.sweep, bench.writeAmplification());
      if (options.json() != null) {
        Json.write(options.json(), report.toJson(bench.phases, bench.sweep));
        System.out.println("wrote " + options.json());
      }
      if (options.chart() != null) {
        Chart.render(options.chart(), bench.sweep, report.title());
        System.out.println("wrote " + options.chart());
      }
    } finally {
      BenchData.deleteTree(temp);
    }
  }

  private void runPhases() {
    report.header();
    Db db =
        open(
            "open (empty)",
            options.bulkLoad() ? dbOptions().toBuilder().bulkLoad(true).build() : dbOptions());
    try {
      fill(db);
      if (options.bulkLoad()) {
        // The durable phases need the WAL back.
        db = reopen(db, "reopen after the bulk load", dbOptions());
      }
      for (int threads : options.concurrencies()) {
        PhaseResult durable = durableWrites(db, threads);
        sweep.add(durable);
      }
      db = reopen(db, "reopen, no block cache", dbOptions().toBuilder().blockCacheBytes(0).build());
      readPhases.reads(db, "readrandom, uncached");
      readPhases.multiGets(db, "multiget 64, uncached");
      readPhases.scans(db, "scan 10000, uncached", ReadOptions.defaults());
      readPhases.scans(
          db, "scan 10000, uncached, no read-ahead", ReadOptions.defaults().withReadAheadBytes(0));
      db = reopen(db, "reopen", dbOptions());
      readPhases.reads(db, "readrandom, cached");
      if (options.diskCache()) {
        db = diskCachePhases(db);
      }
      idle(db);
    } finally {
      db.close();
    }
    if (options.replayObjects() > 0) {
      replay();
    }
  }

  /**
   * Point reads through a disk cache with no memory block cache, so every read is a disk-tier hit
   * or a GET: cold (an empty cache), warm (after two passes over every block, since a block is
   * admitted on its second miss), and warm again after a restart (the index taken back from the
   * segment files). Returns the database reopened with the default options.
   */
  private Db diskCachePhases(Db db) {
    Path dir = BenchData.tempDir("shaledb-bench-disk-cache-");
    try {
      DbOptions disk = dbOptions().toBuilder().blockCacheBytes(0).diskCache(dir, 1L << 30).build();
      db = reopen(db, "reopen, disk cache only (empty)", disk);
      readPhases.reads(db, "readrandom, disk cache cold");
      warmDiskCache(db);
      readPhases.reads(db, "readrandom, disk cache warm");
      db = reopen(db, "reopen, disk cache only (warm)", disk);
      readPhases.reads(db, "readrandom, disk cache warm after restart");
      return reopen(db, "reopen", dbOptions());
    } finally {
      BenchData.deleteTree(dir);
    }
  }

  /**
   * Reads every key twice with multiGets of keys {@code num / 64} apart, so one call's block reads
   * overlap; then waits until the disk cache stops growing (its writes are asynchronous).
   */
  private void warmDiskCache(Db db) {
    timed(
        "disk cache warm-up (every block read twice)",
        () -> {
          int stride = Math.max(1, options.num() / ReadPhases.MULTIGET_KEYS);
          for (int pass = 0; pass < 2; pass++) {
            for (int start = 0; start < stride; start++) {
              List<byte[]> keys = new ArrayList<>();
              for (int k = start; k < options.num(); k += stride) {
                keys.add(BenchData.setKey(BenchData.newKey(options.keySize()), k));
              }
              db.multiGet(keys);
            }
          }
          long bytes = -1;
          while (bytes != db.stats().diskCacheBytes()) {
            bytes = db.stats().diskCacheBytes();
            sleep(200);
          }
          return null;
        });
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The engine's defaults, but for the WAL pipelining asked for. */
  private DbOptions dbOptions() {
    DbOptions defaults = DbOptions.defaults();
    WalWriterOptions wal = defaults.walOptions();
    if (options.walInFlight() > 0) {
      wal = wal.withMaxInFlight(options.walInFlight());
    }
    if (options.walOverlap() >= 0) {
      wal = wal.withOverlapFraction(options.walOverlap());
    }
    return defaults.toBuilder().walOptions(wal).build();
  }

  private Db open(String name, DbOptions dbOptions) {
    return timed(name, () -> Db.open(store, path, dbOptions));
  }

  private <T> T timed(String name, Supplier<T> action) {
    ObjectStoreMetrics before = store.snapshot();
    long start = System.nanoTime();
    T result = action.get();
    long nanos = System.nanoTime() - start;
    add(
        new PhaseResult(
            name, 1, 1, 0, nanos, nanos, nanos, nanos, store.snapshot().minus(before), ""));
    return result;
  }

  private Db reopen(Db db, String name, DbOptions dbOptions) {
    timed(
        "close (memtable to tables)",
        () -> {
          db.close();
          return null;
        });
    return open(name, dbOptions);
  }

  private void fill(Db db) {
    int num = options.num();
    int[] order = shuffled(num, new SplittableRandom(options.seed()));
    int threads = Math.min(options.maxConcurrency(), Runtime.getRuntime().availableProcessors());
    byte[][] keys = options.keyBuffers(threads);
    ObjectStoreMetrics before = store.snapshot();
    LoadRunner.Outcome outcome =
        LoadRunner.run(
            "fillrandom",
            threads,
            num,
            Double.MAX_VALUE,
            (t, n) ->
                db.put(
                    BenchData.setKey(keys[t], order[(int) n]),
                    BenchData.value(values, n),
                    WriteOptions.noWait()));
    long flushStart = System.nanoTime();
    db.flush();
    double flushMillis = (System.nanoTime() - flushStart) / 1e6;
    userBytes += outcome.ops() * entryBytes();
    add(
        PhaseResult.of(
            options.bulkLoad() ? "fillrandom, bulk load" : "fillrandom, no wait",
            threads,
            outcome,
            true,
            store.snapshot().minus(before),
            String.format("final flush() %.1f ms", flushMillis)));
  }

  private PhaseResult durableWrites(Db db, int threads) {
    SplittableRandom[] randoms = options.randoms(threads, 100);
    byte[][] keys = options.keyBuffers(threads);
    ObjectStoreMetrics before = store.snapshot();
    int window = options.window();
    List<ArrayDeque<CompletableFuture<Void>>> inFlight = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      inFlight.add(new ArrayDeque<>());
    }
    LoadRunner.Outcome outcome =
        LoadRunner.run(
            "durable c=" + threads + (window > 1 ? " w=" + window : ""),
            threads,
            Long.MAX_VALUE,
            options.seconds(),
            (t, n) -> {
              byte[] key = BenchData.setKey(keys[t], randoms[t].nextInt(options.num()));
              if (window == 1) {
                db.put(key, BenchData.value(values, n));
                return;
              }
              // A sliding window: the call returns once the oldest of its thread's writes is
              // durable, so each thread keeps `window` durable writes in flight.
              ArrayDeque<CompletableFuture<Void>> mine = inFlight.get(t);
              mine.add(db.writeAsync(new WriteBatch().put(key, BenchData.value(values, n))));
              if (mine.size() >= window) {
                mine.poll().join();
              }
            });
    for (ArrayDeque<CompletableFuture<Void>> mine : inFlight) {
      mine.forEach(CompletableFuture::join);
    }
    userBytes += outcome.ops() * entryBytes();
    DbStats stats = db.stats();
    PhaseResult result =
        PhaseResult.of(
            "durable put c=" + threads,
            threads,
            outcome,
            true,
            store.snapshot().minus(before),
            String.format(
                "engine's own durable-ack p50/p99 since open: %s / %s",
                Report.millis(stats.durableAckP50Micros() * 1000),
                Report.millis(stats.durableAckP99Micros() * 1000)));
    add(result);
    return result;
  }

  private void idle(Db db) {
    ObjectStoreMetrics before = store.snapshot();
    long start = System.nanoTime();
    try {
      Thread.sleep((long) (options.idleSeconds() * 1000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    long nanos = System.nanoTime() - start;
    add(new PhaseResult("idle", 0, 0, 0, nanos, 0, 0, 0, store.snapshot().minus(before), ""));
  }

  /**
   * Leaves {@code replayObjects} WAL objects behind (one serial durable put each, memtables not
   * flushed on close) and times the open that replays them.
   */
  private void replay() {
    String replayPath = path + "-replay";
    DbOptions noFlush = dbOptions().toBuilder().flushOnClose(false).build();
    byte[] key = BenchData.newKey(options.keySize());
    ObjectStoreMetrics before = store.snapshot();
    LoadRunner.Outcome outcome;
    try (Db db = Db.open(store, replayPath, noFlush)) {
      outcome =
          LoadRunner.run(
              "replay setup",
              1,
              options.replayObjects(),
              Double.MAX_VALUE,
              (t, n) -> db.put(BenchData.setKey(key, n), BenchData.value(values, n)));
    }
    userBytes += outcome.ops() * entryBytes();
    add(
        PhaseResult.of(
            "serial durable put",
            1,
            outcome,
            true,
            store.snapshot().minus(before),
            "writes the WAL objects the next open replays"));
    ObjectStoreMetrics beforeOpen = store.snapshot();
    long start = System.nanoTime();
    try (Db db = Db.open(store, replayPath, noFlush)) {
      long nanos = System.nanoTime() - start;
      byte[] last = db.get(BenchData.setKey(key, options.replayObjects() - 1));
      if (last == null) {
        throw new IllegalStateException("the last durable write was not replayed");
      }
      add(
          new PhaseResult(
              "open, replaying " + options.replayObjects() + " writes",
              1,
              1,
              0,
              nanos,
              nanos,
              nanos,
              nanos,
              store.snapshot().minus(beforeOpen),
              ""));
    }
  }

  private void add(PhaseResult phase) {
    phases.add(phase);
    report.phase(phase);
  }

  private double writeAmplification() {
    return userBytes == 0 ? 0 : (double) store.snapshot().bytesUploaded() / userBytes;
  }

  private long entryBytes() {
    return options.keySize() + options.valueSize();
  }

  private static int[] shuffled(int n, SplittableRandom random) {
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }
}
