package dev.shaledb.bench;

import dev.shaledb.Db;
import dev.shaledb.DbOptions;
import dev.shaledb.DbStats;
import dev.shaledb.WriteOptions;
import dev.shaledb.bench.db.BenchData;
import dev.shaledb.bench.db.KvEngine;
import dev.shaledb.objectstore.LocalFileObjectStore;
import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.objectstore.ObjectStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Sustained random writes at S3 scale ({@code ingest} command, issue 21; docs/benchmarks.md,
 * "Writes at S3 scale"): writer threads put random keys ({@link IngestKeys}) for a fixed time
 * without waiting for durability, WAL and compaction on with the engine's default options, then the
 * same load on RocksDB (WAL on, no sync) in a local temporary directory. {@link IngestReport}
 * prints, writes and draws the result.
 *
 * <p>Space amplification, sampled every interval: the bytes ShaleDB holds for the data, the
 * manifest's table bytes plus the memtables' bytes, divided by the live data, the distinct keys
 * written times the entry size. Memtables count because until a flush their data is in no table:
 * without them the first samples, when most data is still in memory, would read far below 1. They
 * count at their memory estimate (key and value plus 96 bytes of bookkeeping per entry), so the
 * figure errs high while memtables hold much of the data, never low. Table bytes include the table
 * format's own overhead (sequence numbers, index, filters: a few percent).
 */
final class IngestBench {
  private IngestBench() {}

  static void main(String[] args) {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(IngestOptions.USAGE);
      return;
    }
    IngestOptions o;
    try {
      o = IngestOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(IngestOptions.USAGE);
      System.exit(2);
      return;
    }
    Path temp = o.store() == null ? BenchData.tempDir("shaledb-ingest-") : null;
    String where = temp != null ? temp.toUri().toString() : o.store();
    ObjectStore base = temp != null ? new LocalFileObjectStore(temp) : ObjectStores.open(o.store());
    if (o.simulateS3()) {
      base = SimulatedS3Store.s3Like(base, o.seed());
    }
    IngestReport report = new IngestReport(o, where);
    report.header();
    IngestResult result;
    try {
      result = shaledb(o, base);
    } finally {
      // before RocksDB runs: a 5-minute run leaves tens of GB
      BenchData.deleteTree(temp);
    }
    result = withRocksDb(o, result);
    report.summary(result);
    if (o.json() != null) {
      Json.write(o.json(), report.toJson(result));
      System.out.println("wrote " + o.json());
    }
    if (o.chart() != null) {
      report.chart(o.chart(), result);
      System.out.println("wrote " + o.chart());
    }
  }

  /** Both runs, ShaleDB on {@code store} (closed when its run ends); prints nothing. */
  static IngestResult measure(IngestOptions o, ObjectStore store) {
    return withRocksDb(o, shaledb(o, store));
  }

  private static IngestResult withRocksDb(IngestOptions o, IngestResult result) {
    return o.rocksdb() ? result.withRocksDb(rocksdb(o)) : result;
  }

  /** How often GC runs when {@code --gc-min-age} is given (or at that age, if shorter). */
  static final Duration GC_INTERVAL = Duration.ofSeconds(10);

  /** ShaleDB's run on {@code base}, at a fresh path so runs against a shared bucket never meet. */
  private static IngestResult shaledb(IngestOptions o, ObjectStore base) {
    DbOptions options = DbOptions.defaults();
    if (o.memtableMegabytes() > 0) {
      long memtable = (long) o.memtableMegabytes() << 20;
      options =
          options.toBuilder()
              .memtableBytes(memtable)
              .maxUnflushedBytes(Math.max(options.maxUnflushedBytes(), 4 * memtable))
              .build();
    }
    if (o.gcMinAgeSeconds() > 0) {
      // GC every 10 s at most: at the default minute, a minute of garbage (~25 GB at 60 MB/s and
      // 7 bytes uploaded per user byte) waits for the next run on top of minAge's.
      Duration minAge = Duration.ofMillis((long) (o.gcMinAgeSeconds() * 1000));
      Duration interval = minAge.compareTo(GC_INTERVAL) < 0 ? minAge : GC_INTERVAL;
      options =
          options.toBuilder()
              .gc(options.gc().toBuilder().minAge(minAge).interval(interval).build())
              .build();
    }
    IngestKeys keys = new IngestKeys(o.keys(), o.keySize(), o.threads(), o.seed());
    byte[][] values = BenchData.values(o.valueSize(), o.seed());
    try (MeteredObjectStore store = new MeteredObjectStore(base);
        Db db = Db.open(store, "ingest-" + System.currentTimeMillis(), options)) {
      DbStats before = db.stats();
      ObjectStoreMetrics requestsBefore = store.snapshot();
      Sampler sampler = new Sampler(o, db, keys, before.writeStallNanos());
      WriteLoad load =
          IngestLoad.run(
              "ShaleDB", o, keys, values, (k, v) -> db.put(k, v, WriteOptions.noWait()), sampler);
      DbStats end = db.stats();
      return new IngestResult(
          load,
          null,
          keys.distinct(),
          end.puts() - before.puts(),
          end.writeStallNanos() - before.writeStallNanos(),
          sampler.space.mean(),
          sampler.space.max(),
          end.tableBytesWritten() - before.tableBytesWritten(),
          end.compactionBytesWritten() - before.compactionBytesWritten(),
          end.compactions() - before.compactions(),
          end.condemnedUploads() - before.condemnedUploads(),
          end.l0Tables(),
          end.sortedRuns(),
          store.snapshot().minus(requestsBefore),
          sampler.samples);
    }
  }

  /** The same load on RocksDB in a temporary directory, deleted afterwards. */
  private static WriteLoad rocksdb(IngestOptions o) {
    Path dir = BenchData.tempDir("shaledb-ingest-rocksdb-");
    try (KvEngine rocks = KvEngine.open("rocksdb", dir, true)) {
      IngestKeys keys = new IngestKeys(o.keys(), o.keySize(), o.threads(), o.seed());
      byte[][] values = BenchData.values(o.valueSize(), o.seed());
      return IngestLoad.run("RocksDB", o, keys, values, rocks::put, interval -> {});
    } finally {
      BenchData.deleteTree(dir);
    }
  }

  /** ShaleDB's time series: one {@link IngestSample} per interval, on the sampling thread. */
  private static final class Sampler implements IngestLoad.Sampler {
    final SpaceAmplification space = new SpaceAmplification();
    final List<IngestSample> samples = new ArrayList<>();
    private final IngestOptions o;
    private final Db db;
    private final IngestKeys keys;
    private long lastStallNanos;

    Sampler(IngestOptions o, Db db, IngestKeys keys, long stallNanos) {
      this.o = o;
      this.db = db;
      this.keys = keys;
      this.lastStallNanos = stallNanos;
    }

    @Override
    public void sample(IngestLoad.Interval interval) {
      DbStats s = db.stats();
      double amp =
          space.sample(s.tableBytes() + s.unflushedBytes(), keys.distinct() * o.entryBytes());
      double stall =
          100.0 * (s.writeStallNanos() - lastStallNanos) / (o.threads() * interval.seconds() * 1e9);
      lastStallNanos = s.writeStallNanos();
      samples.add(
          new IngestSample(
              interval.endSeconds(),
              interval.mbPerSecond(),
              s.l0Tables(),
              s.sortedRuns(),
              amp,
              stall,
              interval.blockedPercent(o.threads())));
    }
  }
}
