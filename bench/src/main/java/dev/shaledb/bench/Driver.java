package dev.shaledb.bench;

import java.util.Arrays;

/**
 * Entry point of {@code shaledb-bench.jar}:
 *
 * <ul>
 *   <li>no arguments or options: the db_bench-style run on ShaleDB ({@link DbBench});
 *   <li>{@code jmh [JMH arguments]}: the JMH suite, e.g. {@code jmh 'Fill.*' -p engine=rocksdb};
 *   <li>{@code store-latency [--store URI]...}: raw object-store latency ({@link StoreLatency});
 *   <li>{@code overwrite [--keys N] [--writes N] ...}: sustained overwrites with compaction ({@link
 *       OverwriteBench});
 *   <li>{@code gc-cost [--writes N] [--rounds N]}: requests per GC run, flush and compaction
 *       ({@link GcCost});
 *   <li>{@code ingest [--seconds S] [--threads N] [--simulate-s3] ...}: sustained random writes on
 *       ShaleDB and RocksDB, with stalls and space amplification over time ({@link IngestBench});
 *   <li>{@code table-upload [--mode streamed|in-memory] [--mib N]}: the heap a large table holds
 *       while it is built and uploaded ({@link TableUploadMemory}).
 * </ul>
 */
public final class Driver {
  private Driver() {}

  public static void main(String[] args) throws Exception {
    String command = args.length > 0 ? args[0] : "";
    String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
    switch (command) {
      case "jmh" -> org.openjdk.jmh.Main.main(rest);
      case "store-latency" -> StoreLatency.main(rest);
      case "overwrite" -> OverwriteBench.main(rest);
      case "gc-cost" -> GcCost.main(rest);
      case "ingest" -> IngestBench.main(rest);
      case "table-upload" -> TableUploadMemory.main(rest);
      case "--help", "-h", "help" -> System.out.println(DbBenchOptions.USAGE);
      default -> {
        DbBenchOptions options;
        try {
          options = DbBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
          System.err.println(e.getMessage());
          System.err.println(DbBenchOptions.USAGE);
          System.exit(2);
          return;
        }
        DbBench.run(options);
      }
    }
  }
}
