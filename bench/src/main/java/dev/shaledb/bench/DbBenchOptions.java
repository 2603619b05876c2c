package dev.shaledb.bench;

import dev.shaledb.bench.db.BenchData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The driver's command line, parsed and checked. Every option has a default so that the bare {@code
 * java -jar shaledb-bench.jar} runs in well under two minutes on a laptop.
 *
 * @param store the object-store URI, or null for a fresh temporary directory
 * @param simulateS3 whether to inject S3-like latency in front of the store
 * @param putLatencyMillis median simulated PUT (and DELETE) latency
 * @param getLatencyMillis median simulated time to first byte of GET, HEAD and LIST
 * @param seed seeds the keys, values and simulated latencies
 * @param concurrencies writer (and reader) thread counts; more than one is a sweep
 * @param seconds the length of each timed phase
 * @param num keys written by the fill; reads draw from them
 * @param keySize key bytes
 * @param valueSize value bytes
 * @param replayObjects WAL objects left for the reopen-time phase (0 skips it)
 * @param idleSeconds how long the idle phase watches background requests (0 skips it)
 * @param walInFlight WAL uploads allowed in flight at once, or 0 for the engine's default
 * @param walOverlap the WAL's overlap fraction, or a negative number for the engine's default
 * @param window durable writes each writer thread keeps in flight ({@link
 *     dev.shaledb.Db#writeAsync}); 1 is a blocking {@code put}
 * @param json where to write the results as JSON, or null
 * @param chart where to draw the PNG chart, or null
 * @param diskCache whether to add the disk cache phases (cold, warm, warm after a restart)
 * @param bulkLoad whether the fill runs in bulk-load mode (no WAL; {@link
 *     dev.shaledb.DbOptions#bulkLoad()}), after which the database is reopened normally
 */
record DbBenchOptions(
    String store,
    boolean simulateS3,
    double putLatencyMillis,
    double getLatencyMillis,
    long seed,
    List<Integer> concurrencies,
    double seconds,
    int num,
    int keySize,
    int valueSize,
    int replayObjects,
    double idleSeconds,
    int walInFlight,
    double walOverlap,
    int window,
    Path json,
    Path chart,
    boolean diskCache,
    boolean bulkLoad) {

  private static final Set<String> VALUED =
      Set.of(
          "--store",
          "--put-latency",
          "--get-latency",
          "--seed",
          "--concurrency",
          "--sweep",
          "--seconds",
          "--num",
          "--kv",
          "--replay-objects",
          "--idle-seconds",
          "--wal-in-flight",
          "--wal-overlap",
          "--window",
          "--json",
          "--chart");

  static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar shaledb-bench.jar [options]            db_bench-style run on ShaleDB",
          "       java -jar shaledb-bench.jar jmh [JMH options]    JMH suite, e.g. jmh 'Fill.*' -f 1",
          "       java -jar shaledb-bench.jar store-latency [--store URI]... [--ops N] [--size B]",
          "       java -jar shaledb-bench.jar ingest [options]     sustained random writes vs RocksDB;",
          "                                                        options: ingest --help",
          "options:",
          "  --store URI          object store (memory:, file:/dir, s3://bucket/prefix?...);",
          "                       default: a LocalFileObjectStore in a temporary directory",
          "  --simulate-s3        add S3-like latency (median PUT 25 ms, GET 15 ms, lognormal,",
          "                       1 % of requests 3-6x slower, 100 MB/s per request)",
          "  --put-latency MS     median simulated PUT latency (default 25)",
          "  --get-latency MS     median simulated GET first-byte latency (default 15)",
          "  --concurrency N      writer/reader threads (default 8)",
          "  --sweep 1,8,64       run the durable-write phase at each concurrency",
          "  --seconds S          length of each timed phase (default 4)",
          "  --num N              keys written by the fill (default 100000)",
          "  --kv 16/100          key and value bytes (default 16/100)",
          "  --replay-objects N   WAL objects replayed by the reopen phase (default 100; 0 skips)",
          "  --idle-seconds S     how long to watch an idle database (default 3; 0 skips)",
          "  --wal-in-flight K    WAL uploads in flight at once (default: the engine's, 3)",
          "  --wal-overlap F      a second WAL upload waits F of the PUT latency (default 0.25)",
          "  --window W           durable writes in flight per writer thread (default 1)",
          "  --seed N             seed of keys, values and simulated latency (default 42)",
          "  --json FILE          write the results as JSON",
          "  --chart FILE         draw throughput and durable latency vs concurrency as PNG",
          "  --disk-cache         add reads through a disk cache: cold, warm, warm after a restart",
          "  --bulk-load          fill in bulk-load mode (no WAL; durable at the final flush),",
          "                       then reopen normally for the other phases");

  DbBenchOptions {
    if (concurrencies.isEmpty() || concurrencies.stream().anyMatch(c -> c < 1 || c > 1024)) {
      throw new IllegalArgumentException("concurrency must be in [1, 1024]: " + concurrencies);
    }
    concurrencies = List.copyOf(concurrencies);
    if (!(seconds > 0) || num < 1 || keySize < 8 || valueSize < 0 || replayObjects < 0) {
      throw new IllegalArgumentException(
          "need seconds > 0, num >= 1, key size >= 8, value size >= 0, replay objects >= 0");
    }
    if (window < 1 || window > 4096) {
      throw new IllegalArgumentException("window must be in [1, 4096]: " + window);
    }
    if (walInFlight < 0) {
      throw new IllegalArgumentException("walInFlight is negative: " + walInFlight);
    }
    if (!(putLatencyMillis >= 0) || !(getLatencyMillis >= 0) || !(idleSeconds >= 0)) {
      throw new IllegalArgumentException("latencies and idle seconds must be >= 0");
    }
  }

  /** The largest concurrency of the durable write sweep: the reader threads of read phases. */
  int maxConcurrency() {
    return concurrencies().stream().mapToInt(Integer::intValue).max().orElseThrow();
  }

  /** A key buffer per thread. */
  byte[][] keyBuffers(int threads) {
    byte[][] keys = new byte[threads][];
    for (int t = 0; t < threads; t++) {
      keys[t] = BenchData.newKey(keySize());
    }
    return keys;
  }

  /** A generator per thread, seeded by the run's seed, {@code salt} and the thread. */
  SplittableRandom[] randoms(int threads, long salt) {
    SplittableRandom[] randoms = new SplittableRandom[threads];
    for (int t = 0; t < threads; t++) {
      randoms[t] = new SplittableRandom(seed() * 1_000_003 + salt + t);
    }
    return randoms;
  }

  static DbBenchOptions parse(String[] args) {
    String store = null;
    boolean simulate = false;
    boolean diskCache = false;
    boolean bulkLoad = false;
    double put = 25;
    double get = 15;
    long seed = 42;
    List<Integer> concurrencies = List.of(8);
    double seconds = 4;
    int num = 100_000;
    int keySize = 16;
    int valueSize = 100;
    int replay = 100;
    double idle = 3;
    int walInFlight = 0;
    double walOverlap = -1;
    int window = 1;
    Path json = null;
    Path chart = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--simulate-s3")) {
        simulate = true;
        continue;
      }
      if (arg.equals("--disk-cache")) {
        diskCache = true;
        continue;
      }
      if (arg.equals("--bulk-load")) {
        bulkLoad = true;
        continue;
      }
      if (!VALUED.contains(arg)) {
        throw new IllegalArgumentException("unknown option '" + arg + "'; try --help");
      }
      String value = value(args, ++i);
      switch (arg) {
        case "--store" -> store = value;
        case "--put-latency" -> put = Double.parseDouble(value);
        case "--get-latency" -> get = Double.parseDouble(value);
        case "--seed" -> seed = Long.parseLong(value);
        case "--concurrency" -> concurrencies = List.of(Integer.parseInt(value));
        case "--sweep" -> concurrencies = list(value);
        case "--seconds" -> seconds = Double.parseDouble(value);
        case "--num" -> num = Integer.parseInt(value);
        case "--kv" -> {
          String[] parts = value.split("/");
          if (parts.length != 2) {
            throw new IllegalArgumentException("--kv wants keyBytes/valueBytes, not " + value);
          }
          keySize = Integer.parseInt(parts[0]);
          valueSize = Integer.parseInt(parts[1]);
        }
        case "--replay-objects" -> replay = Integer.parseInt(value);
        case "--idle-seconds" -> idle = Double.parseDouble(value);
        case "--wal-in-flight" -> {
          walInFlight = Integer.parseInt(value);
          if (walInFlight < 1) {
            throw new IllegalArgumentException("--wal-in-flight must be >= 1: " + value);
          }
        }
        case "--wal-overlap" -> walOverlap = Double.parseDouble(value);
        case "--window" -> window = Integer.parseInt(value);
        case "--json" -> json = Path.of(value);
        case "--chart" -> chart = Path.of(value);
        default -> throw new AssertionError(arg);
      }
    }
    return new DbBenchOptions(
        store,
        simulate,
        put,
        get,
        seed,
        concurrencies,
        seconds,
        num,
        keySize,
        valueSize,
        replay,
        idle,
        walInFlight,
        walOverlap,
        window,
        json,
        chart,
        diskCache,
        bulkLoad);
  }

  private static List<Integer> list(String value) {
    List<Integer> result = new ArrayList<>();
    for (String part : value.split(",")) {
      result.add(Integer.parseInt(part.trim()));
    }
    return result;
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException("missing value after '" + args[i - 1] + "'");
    }
    return args[i];
  }
}
