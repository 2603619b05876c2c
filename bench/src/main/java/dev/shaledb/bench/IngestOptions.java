package dev.shaledb.bench;

import dev.shaledb.bench.db.BenchData;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code ingest} command's options, parsed and checked (docs/benchmarks.md, "Writes at S3
 * scale").
 *
 * @param store the object-store URI, or null for a fresh temporary directory
 * @param simulateS3 whether to put the driver's S3 latency model in front of the store
 * @param seconds how long each engine's writers run
 * @param threads writer threads (default 4: a few request threads of an ingesting service, more
 *     than the two cores of the build machine, so a writer held by backpressure does not idle a
 *     core)
 * @param keys distinct key numbers the writers draw from (default 100 million: a 5-minute run at 50
 *     MB/s writes about 36 million entries, so most writes insert and about one in six overwrites,
 *     as an ingest does; the distinct-key bitmap takes {@code keys / 8} bytes)
 * @param keySize key bytes (default 20)
 * @param valueSize value bytes (default 400)
 * @param memtableMegabytes the memtable size in MiB, or 0 for the engine's default (64 MiB)
 * @param gcMinAgeSeconds GC's {@code minAge} in seconds, or 0 for the engine's defaults (15 min, GC
 *     every minute; else GC runs every 10 s or at this age if shorter): superseded objects stay
 *     that long, so the store's disk holds about that long of uploads (~7 bytes per user byte). A
 *     compaction running longer than this is condemned by GC and redone (docs/gc.md)
 * @param seed seeds the keys, values and simulated latencies
 * @param intervalSeconds how often the time series is sampled
 * @param rocksdb whether to run the same load on RocksDB in a local temporary directory
 * @param json where to write the results as JSON, or null
 * @param chart where to draw the time series as PNG, or null
 */
record IngestOptions(
    String store,
    boolean simulateS3,
    double seconds,
    int threads,
    long keys,
    int keySize,
    int valueSize,
    int memtableMegabytes,
    double gcMinAgeSeconds,
    long seed,
    double intervalSeconds,
    boolean rocksdb,
    Path json,
    Path chart) {

  /** The most keys: a bitmap of 8 GiB is already more than a benchmark should hold. */
  static final long MAX_KEYS = 1L << 36;

  private static final Set<String> VALUED =
      Set.of(
          "--store",
          "--seconds",
          "--threads",
          "--keys",
          "--kv",
          "--memtable-mb",
          "--gc-min-age",
          "--seed",
          "--interval",
          "--json",
          "--chart");

  static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar shaledb-bench.jar ingest [options]",
          "  random writes (no wait for durability, WAL on, compaction on) for a fixed time on",
          "  ShaleDB, then the same on RocksDB in a local temporary directory",
          "options:",
          "  --store URI          object store; default: a LocalFileObjectStore in a temporary dir",
          "  --simulate-s3        S3-like latency in front of the store (PUT 25 ms, GET 15 ms)",
          "  --seconds S          how long each engine is written (default 300)",
          "  --threads N          writer threads (default 4)",
          "  --keys N             distinct keys drawn from (default 100000000)",
          "  --kv 20/400          key and value bytes (default 20/400)",
          "  --memtable-mb M      ShaleDB memtable size (default: the engine's, 64)",
          "  --gc-min-age S       ShaleDB GC minAge in seconds, GC every 10 s (default: the",
          "                       engine's, 900, every 60); the disk holds this long of uploads",
          "  --seed N             seed of keys, values and simulated latency (default 42)",
          "  --interval S         time-series sampling interval (default 1)",
          "  --no-rocksdb         skip the RocksDB run",
          "  --json FILE          write the results as JSON",
          "  --chart FILE         draw MB/s, L0 tables, space amplification and stalls over time");

  IngestOptions {
    if (!(seconds > 0) || !(intervalSeconds > 0)) {
      throw new IllegalArgumentException("--seconds and --interval must be > 0");
    }
    if (threads < 1 || threads > 1024) {
      throw new IllegalArgumentException("--threads must be in [1, 1024]: " + threads);
    }
    if (keys < 1 || keys > MAX_KEYS) {
      throw new IllegalArgumentException("--keys must be in [1, 2^36]: " + keys);
    }
    if (keySize < 8 || valueSize < 0 || memtableMegabytes < 0 || !(gcMinAgeSeconds >= 0)) {
      throw new IllegalArgumentException(
          "need key size >= 8, value size >= 0, memtable >= 0, gc min age >= 0");
    }
  }

  long entryBytes() {
    return keySize + valueSize;
  }

  static IngestOptions parse(String[] args) {
    CommandLine c =
        CommandLine.parse(
            args, Set.of("--simulate-s3", "--no-rocksdb"), VALUED, "try ingest --help");
    int[] kv = BenchData.sizes(c.get("--kv", "20/400"));
    return new IngestOptions(
        c.get("--store", null),
        c.has("--simulate-s3"),
        Double.parseDouble(c.get("--seconds", "300")),
        Integer.parseInt(c.get("--threads", "4")),
        Long.parseLong(c.get("--keys", "100000000")),
        kv[0],
        kv[1],
        Integer.parseInt(c.get("--memtable-mb", "0")),
        Double.parseDouble(c.get("--gc-min-age", "0")),
        Long.parseLong(c.get("--seed", "42")),
        Double.parseDouble(c.get("--interval", "1")),
        !c.has("--no-rocksdb"),
        c.path("--json"),
        c.path("--chart"));
  }
}
