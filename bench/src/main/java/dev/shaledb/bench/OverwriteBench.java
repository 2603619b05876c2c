package dev.shaledb.bench;

import dev.shaledb.CompactionOptions;
import dev.shaledb.Db;
import dev.shaledb.DbOptions;
import dev.shaledb.DbStats;
import dev.shaledb.WriteOptions;
import dev.shaledb.bench.db.BenchData;
import dev.shaledb.objectstore.LatencyHistogram;
import dev.shaledb.objectstore.LocalFileObjectStore;
import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.objectstore.ObjectStores;
import dev.shaledb.objectstore.RequestType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sustained random overwrites with compaction on ({@code overwrite} command): N writes over K keys,
 * while a reader thread does point reads at a fixed rate. Reports throughput, the longest write
 * (stall), write amplification (table bytes and all bytes PUT per user byte), space amplification
 * (stored table bytes per byte of a freshly written copy of the final state; sampled during the run
 * and after compaction settles) and the read latency during ingest.
 */
final class OverwriteBench {
  private final Map<String, Object> results = new LinkedHashMap<>();

  record Options(
      int keys,
      long writes,
      int valueSize,
      long memtableBytes,
      int readsPerSecond,
      String store,
      boolean simulateS3,
      long seed,
      Path json) {
    static Options parse(String[] args) {
      CommandLine a =
          CommandLine.parse(
              args,
              Set.of("--simulate-s3"),
              Set.of(
                  "--keys",
                  "--writes",
                  "--value-size",
                  "--memtable-mb",
                  "--reads-per-second",
                  "--store",
                  "--seed",
                  "--json"),
              "usage: overwrite [--keys N] [--writes N] [--value-size B] [--memtable-mb M]"
                  + " [--reads-per-second R] [--store URI] [--simulate-s3] [--seed N] [--json F]");
      return new Options(
          Integer.parseInt(a.get("--keys", "100000")),
          Long.parseLong(a.get("--writes", "10000000")),
          Integer.parseInt(a.get("--value-size", "100")),
          Long.parseLong(a.get("--memtable-mb", "8")) << 20,
          Integer.parseInt(a.get("--reads-per-second", "500")),
          a.get("--store", null),
          a.has("--simulate-s3"),
          Long.parseLong(a.get("--seed", "1")),
          a.path("--json"));
    }
  }

  static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Path temp = options.store() == null ? BenchData.tempDir("shaledb-overwrite-") : null;
    ObjectStore base =
        temp != null ? new LocalFileObjectStore(temp) : ObjectStores.open(options.store());
    if (options.simulateS3()) {
      base = SimulatedS3Store.s3Like(base, options.seed());
    }
    try (MeteredObjectStore store = new MeteredObjectStore(base)) {
      new OverwriteBench().run(options, store, "bench-" + System.currentTimeMillis());
    } finally {
      BenchData.deleteTree(temp);
    }
  }

  /** Runs on {@code store} and returns the figures it printed, by name. */
  static Map<String, Object> measure(Options options, ObjectStore store) throws Exception {
    try (MeteredObjectStore metered = new MeteredObjectStore(store)) {
      OverwriteBench bench = new OverwriteBench();
      bench.run(options, metered, "bench");
      return bench.results;
    }
  }

  private void run(Options o, MeteredObjectStore store, String path) throws Exception {
    DbOptions dbOptions =
        DbOptions.builder()
            .memtableBytes(o.memtableBytes())
            .maxUnflushedBytes(Math.max(4 * o.memtableBytes(), 256L << 20))
            .compaction(CompactionOptions.defaults())
            .build();
    int[] lastRound = new int[o.keys()];
    byte[][] values = BenchData.values(o.valueSize(), o.seed());
    LatencyHistogram puts = new LatencyHistogram();
    LatencyHistogram reads = new LatencyHistogram();
    LongAdder done = new LongAdder();
    long maxPutNanos = 0;
    SpaceAmplification space = new SpaceAmplification();
    long userBytes = 0;
    System.out.printf(
        "overwrite: %,d writes over %,d keys, %d-byte values, memtable %d MiB%n",
        o.writes(), o.keys(), o.valueSize(), o.memtableBytes() >> 20);
    long start = System.nanoTime();
    try (Db db = Db.open(store, path, dbOptions)) {
      Progress progress = Progress.start("overwrite", 1e9, o.writes(), done::sum, puts);
      AtomicBoolean stop = new AtomicBoolean();
      Thread reader = readerThread(db, o, reads, stop);
      reader.start();
      SplittableRandom random = new SplittableRandom(o.seed());
      byte[] key = BenchData.newKey(16);
      long nextSample = System.nanoTime();
      long liveEstimate = (long) o.keys() * (16 + o.valueSize());
      for (long i = 0; i < o.writes(); i++) {
        int k = random.nextInt(o.keys());
        BenchData.setKey(key, k);
        byte[] value = BenchData.value(values, i);
        long t0 = System.nanoTime();
        db.put(key, value, WriteOptions.noWait());
        long took = System.nanoTime() - t0;
        puts.record(took);
        maxPutNanos = Math.max(maxPutNanos, took);
        lastRound[k] = (int) (i % values.length);
        userBytes += 16 + o.valueSize();
        done.increment();
        if (t0 >= nextSample) {
          if (i > o.writes() / 10) { // after the first fill, when every key exists
            space.sample(db.stats().tableBytes(), liveEstimate);
          }
          nextSample = t0 + 250_000_000L;
        }
      }
      db.flush();
      double seconds = (System.nanoTime() - start) / 1e9;
      progress.close();
      stop.set(true);
      reader.join();
      boolean settled = db.awaitCompactions(Duration.ofMinutes(10));
      DbStats stats = db.stats();
      long reference = referenceBytes(store, path + "-reference", o, values, lastRound);
      record("writes_per_second", o.writes() / seconds);
      record("seconds", seconds);
      record("put_p50_micros", puts.quantileNanos(0.5) / 1000.0);
      record("put_p99_micros", puts.quantileNanos(0.99) / 1000.0);
      record("longest_put_millis", maxPutNanos / 1e6);
      record("write_stall_millis_total", stats.writeStallNanos() / 1e6);
      record("read_during_ingest_p50_micros", reads.quantileNanos(0.5) / 1000.0);
      record("read_during_ingest_p99_micros", reads.quantileNanos(0.99) / 1000.0);
      record("reads_during_ingest", reads.count());
      record("compactions", stats.compactions());
      record(
          "write_amp_tables",
          (double) (stats.tableBytesWritten() + stats.compactionBytesWritten()) / userBytes);
      ObjectStoreMetrics m = store.snapshot();
      record("write_amp_all_puts", (double) m.bytesUploaded() / userBytes);
      record("reference_bytes", reference);
      // sampled against the estimate, reported against the reference
      record("space_amp_mean_during_ingest", space.mean() * liveEstimate / reference);
      record("space_amp_max_during_ingest", space.max() * liveEstimate / reference);
      record("space_amp_after_settling", (double) stats.tableBytes() / reference);
      record("compaction_settled", settled);
      record("l0_tables_at_end", stats.l0Tables());
      record("sorted_runs_at_end", stats.sortedRuns());
      for (RequestType type : RequestType.values()) {
        record("requests_" + type.name().toLowerCase(java.util.Locale.ROOT), m.requests(type));
      }
    }
    results.forEach((k, v) -> System.out.printf("  %-32s %s%n", k, format(v)));
    if (o.json() != null) {
      Json.write(o.json(), results);
      System.out.println("wrote " + o.json());
    }
  }

  private static Thread readerThread(Db db, Options o, LatencyHistogram reads, AtomicBoolean stop) {
    Thread t =
        new Thread(
            () -> {
              SplittableRandom random = new SplittableRandom(o.seed() + 1);
              byte[] key = BenchData.newKey(16);
              long periodNanos = 1_000_000_000L / Math.max(1, o.readsPerSecond());
              long next = System.nanoTime();
              while (!stop.get()) {
                BenchData.setKey(key, random.nextInt(o.keys()));
                long t0 = System.nanoTime();
                db.get(key);
                reads.record(System.nanoTime() - t0);
                next += periodNanos;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                  java.util.concurrent.locks.LockSupport.parkNanos(sleep);
                }
              }
            },
            "overwrite-reader");
    t.setDaemon(true);
    return t;
  }

  /** The table bytes of a fresh database holding just the final state (closed, so flushed). */
  private static long referenceBytes(
      ObjectStore store, String path, Options o, byte[][] values, int[] lastRound) {
    DbOptions options =
        DbOptions.builder()
            .memtableBytes(1L << 30)
            .maxUnflushedBytes(2L << 30)
            .compaction(CompactionOptions.disabled())
            .build();
    byte[] key = BenchData.newKey(16);
    try (Db db = Db.open(store, path, options)) {
      for (int k = 0; k < o.keys(); k++) {
        BenchData.setKey(key, k);
        db.put(key, values[lastRound[k]], WriteOptions.noWait());
      }
    }
    try (Db db = Db.open(store, path, options)) {
      return db.stats().tableBytes();
    }
  }

  private void record(String name, Object value) {
    results.put(name, value);
  }

  private static String format(Object v) {
    return v instanceof Double d ? String.format("%,.3f", d) : String.valueOf(v);
  }
}
