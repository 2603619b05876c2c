package dev.shaledb.bench;

import dev.shaledb.CompactionOptions;
import dev.shaledb.Db;
import dev.shaledb.DbOptions;
import dev.shaledb.GcOptions;
import dev.shaledb.GcResult;
import dev.shaledb.WriteOptions;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * What garbage collection, flushes and compactions cost in object-store requests, per operation
 * kind and folder ({@code gc-cost [--writes N] [--rounds N]}): overwrites of a small key space with
 * a small memtable, so every round flushes and compacts, then one GC run per round whose garbage is
 * older than its minAge. Prints requests per GC run, per flush and per compaction, split by folder
 * (manifest, sst, wal, gc). Deterministic in its request counts up to compaction timing.
 */
public final class GcCost {
  private GcCost() {}

  /** Counts requests by "TYPE folder". */
  private static final class Counting extends ForwardingObjectStore {
    final Map<String, LongAdder> counts = new TreeMap<>();

    Counting() {
      super(new InMemoryObjectStore());
    }

    private synchronized void count(String type, String key) {
      String folder = key.contains("/") ? key.substring(key.indexOf('/') + 1) : key;
      folder = folder.contains("/") ? folder.substring(0, folder.indexOf('/')) : folder;
      counts.computeIfAbsent(type + " " + folder, k -> new LongAdder()).increment();
    }

    synchronized Map<String, Long> snapshot() {
      Map<String, Long> out = new TreeMap<>();
      counts.forEach((k, v) -> out.put(k, v.sum()));
      return out;
    }

    @Override
    public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
      count("PUT", key);
      return super.put(key, data, condition);
    }

    @Override
    public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
      count("GET", key);
      return super.get(key, range);
    }

    @Override
    public CompletableFuture<ObjectMeta> head(String key) {
      count("HEAD", key);
      return super.head(key);
    }

    @Override
    public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
      count("LIST", prefix + "/");
      return super.list(prefix, startAfter);
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
      count("DELETE", key);
      return super.delete(key);
    }
  }

  public static void main(String[] args) throws Exception {
    int writes = 20_000;
    int rounds = 10;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--writes" -> writes = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Counting store = new Counting();
    Duration minAge = Duration.ofMillis(500);
    DbOptions options =
        DbOptions.builder()
            .memtableBytes(256 << 10)
            .compaction(CompactionOptions.builder().l0Trigger(4).build())
            .gc(GcOptions.builder().minAge(minAge).interval(Duration.ZERO).build())
            .build();
    long gcRequests = 0;
    long tables = 0;
    Map<String, Long> gcByFolder = new TreeMap<>();
    try (Db db = Db.open(store, "db", options)) {
      byte[] value = new byte[100];
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < writes; i++) {
          byte[] key = ("key" + (i % 5_000)).getBytes(StandardCharsets.UTF_8);
          db.put(key, value, WriteOptions.noWait());
        }
        db.flush();
        db.awaitCompactions(Duration.ofSeconds(60));
        Thread.sleep(minAge.toMillis() + 100);
        Map<String, Long> before = store.snapshot();
        GcResult r = db.collectGarbage();
        Map<String, Long> after = store.snapshot();
        after.forEach(
            (k, v) -> {
              long d = v - before.getOrDefault(k, 0L);
              if (d > 0) {
                gcByFolder.merge(k, d, Long::sum);
              }
            });
        gcRequests += r.requests();
        tables += r.tablesDeleted();
      }
      System.out.printf(
          "rounds %d, flushes %d, compactions %d, tables deleted %d%n",
          rounds, db.stats().memtableFlushes(), db.stats().compactions(), tables);
    }
    System.out.printf("GC requests per run: %.1f%n", (double) gcRequests / rounds);
    double runs = rounds;
    gcByFolder.forEach((k, v) -> System.out.printf("  GC %-16s %6.1f per run%n", k, v / runs));
    System.out.println("all requests of the run:");
    store.snapshot().forEach((k, v) -> System.out.printf("  %-18s %8d%n", k, v));
  }
}
