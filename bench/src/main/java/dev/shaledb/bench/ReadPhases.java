package dev.shaledb.bench;

import dev.shaledb.Db;
import dev.shaledb.DbIterator;
import dev.shaledb.DbStats;
import dev.shaledb.ReadOptions;
import dev.shaledb.bench.db.BenchData;
import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.objectstore.RequestType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The driver's read phases on an open database: random point reads from the sweep's largest
 * concurrency, and, one thread each, multiGets and cold scans (issue 17). Each phase's result goes
 * to {@code add} with the store's requests during it.
 */
final class ReadPhases {
  /** Keys per multiGet call in the multiget phase. */
  static final int MULTIGET_KEYS = 64;

  /** Entries per scan in the cold scan phases. */
  static final int SCAN_ENTRIES = 10_000;

  private final DbBenchOptions options;
  private final MeteredObjectStore store;
  private final Consumer<PhaseResult> add;

  ReadPhases(DbBenchOptions options, MeteredObjectStore store, Consumer<PhaseResult> add) {
    this.options = options;
    this.store = store;
    this.add = add;
  }

  void reads(Db db, String name) {
    int threads = options.maxConcurrency();
    SplittableRandom[] randoms = options.randoms(threads, 200);
    byte[][] keys = options.keyBuffers(threads);
    DbStats start = db.stats();
    ObjectStoreMetrics before = store.snapshot();
    LoadRunner.Outcome outcome =
        LoadRunner.run(
            name,
            threads,
            Long.MAX_VALUE,
            options.seconds(),
            (t, n) -> {
              if (db.get(BenchData.setKey(keys[t], randoms[t].nextInt(options.num()))) == null) {
                throw new IllegalStateException("a key written by the fill is missing");
              }
            });
    DbStats end = db.stats();
    add.accept(
        PhaseResult.of(
            name,
            threads,
            outcome,
            false,
            store.snapshot().minus(before),
            cacheLine(
                end.cacheHits() - start.cacheHits(),
                end.cacheMisses() - start.cacheMisses(),
                end.diskCacheHits() - start.diskCacheHits(),
                end.diskCacheMisses() - start.diskCacheMisses())));
  }

  /**
   * The hit rates of the caches a phase used: nothing for a cache it did not read through (none
   * configured), so a phase without caches prints no cache line.
   */
  static String cacheLine(long hits, long misses, long diskHits, long diskMisses) {
    List<String> parts = new ArrayList<>(2);
    if (hits + misses > 0) {
      parts.add(
          String.format(
              "block cache hits %,d, misses %,d (%.1f %% hits)",
              hits, misses, 100.0 * hits / (hits + misses)));
    }
    if (diskHits + diskMisses > 0) {
      parts.add(
          String.format(
              "disk cache hits %,d, misses %,d (%.1f %% hits)",
              diskHits, diskMisses, 100.0 * diskHits / (diskHits + diskMisses)));
    }
    return String.join("; ", parts);
  }

  /** Runs {@code op} from one thread for a phase's length. */
  private LoadRunner.Outcome oneThread(String name, LoadRunner.Op op) {
    return LoadRunner.run(name, 1, Long.MAX_VALUE, options.seconds(), op);
  }

  /**
   * Scans of {@link #SCAN_ENTRIES} entries from random keys, one thread, on a database without a
   * block cache: each scan's latency against the GET median shows what read-ahead saves (issue 17).
   */
  void scans(Db db, String name, ReadOptions readOptions) {
    SplittableRandom random = new SplittableRandom(options.seed() * 1_000_003 + 400);
    int span = Math.max(1, options.num() - SCAN_ENTRIES);
    ObjectStoreMetrics before = store.snapshot();
    LoadRunner.Outcome outcome =
        oneThread(
            name,
            (t, n) -> {
              byte[] start =
                  BenchData.setKey(BenchData.newKey(options.keySize()), random.nextInt(span));
              int seen = 0;
              try (DbIterator it = db.scan(start, null, readOptions)) {
                while (seen < SCAN_ENTRIES && it.hasNext()) {
                  it.next();
                  seen++;
                }
              }
              if (seen < Math.min(SCAN_ENTRIES, options.num())) {
                throw new IllegalStateException("a scan saw " + seen + " entries");
              }
            });
    addOneThread(
        name,
        outcome,
        store.snapshot().minus(before),
        String.format(
            "%d entries per scan, read-ahead up to %d bytes",
            SCAN_ENTRIES, readOptions.readAheadBytes()));
  }

  private void addOneThread(
      String name, LoadRunner.Outcome outcome, ObjectStoreMetrics requests, String detail) {
    add.accept(PhaseResult.of(name, 1, outcome, false, requests, detail));
  }

  /**
   * multiGet of {@link #MULTIGET_KEYS} random keys from one thread, on a database without a block
   * cache, so each key's block is a GET: the call's latency against the GET median shows whether
   * its block reads overlap (issue 17).
   */
  void multiGets(Db db, String name) {
    SplittableRandom random = new SplittableRandom(options.seed() * 1_000_003 + 300);
    DbStats start = db.stats();
    ObjectStoreMetrics before = store.snapshot();
    LoadRunner.Outcome outcome =
        oneThread(
            name,
            (t, n) -> {
              List<byte[]> keys = new ArrayList<>(MULTIGET_KEYS);
              for (int i = 0; i < MULTIGET_KEYS; i++) {
                keys.add(
                    BenchData.setKey(
                        BenchData.newKey(options.keySize()), random.nextInt(options.num())));
              }
              for (byte[] value : db.multiGet(keys)) {
                if (value == null) {
                  throw new IllegalStateException("a key written by the fill is missing");
                }
              }
            });
    DbStats end = db.stats();
    ObjectStoreMetrics after = store.snapshot();
    ObjectStoreMetrics.TypeMetrics gets = after.byType().get(RequestType.GET);
    addOneThread(
        name,
        outcome,
        after.minus(before),
        String.format(
            "%d keys per call, %d table sources (L0 tables + runs), %,d keys read; GET p50 /"
                + " p99 as the store saw them (whole run) %s / %s",
            MULTIGET_KEYS,
            end.l0Tables() + end.sortedRuns(),
            end.gets() - start.gets(),
            Report.millis(gets.p50Nanos()),
            Report.millis(gets.p99Nanos())));
  }
}
