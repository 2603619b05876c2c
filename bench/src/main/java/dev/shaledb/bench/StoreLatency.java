package dev.shaledb.bench;

import static dev.shaledb.objectstore.Futures.join;

import dev.shaledb.objectstore.LatencyHistogram;
import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.objectstore.ObjectStores;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.objectstore.RequestPricing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Measures sequential put, conditional put and get latency of object stores: the floor under every
 * durable write and cold read of the engine. Prints medians and tails, requests and their cost.
 */
final class StoreLatency {
  private StoreLatency() {}

  public static void main(String[] args) throws IOException {
    List<String> uris = new ArrayList<>();
    int ops = 1000;
    int size = 1024;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--store" -> uris.add(value(args, ++i));
        case "--ops" -> ops = Integer.parseInt(value(args, ++i));
        case "--size" -> size = Integer.parseInt(value(args, ++i));
        default ->
            throw new IllegalArgumentException("unknown argument '" + args[i] + "'; try --help");
      }
    }
    Path temp = null;
    if (uris.isEmpty()) {
      temp = Files.createTempDirectory("shaledb-bench");
      uris.add("memory:");
      uris.add(temp.toUri().toString());
    }
    System.out.printf(
        "object-store latency: %d sequential ops of %d bytes per row (median / p99 / p99.9, µs)%n",
        ops, size);
    System.out.printf(
        "%-34s %-26s %-26s %-26s %s%n", "store", "put", "put ifAbsent", "get", "$ (S3 Std)");
    try {
      for (String uri : uris) {
        measure(uri, ops, size);
      }
    } finally {
      if (temp != null) {
        deleteTree(temp);
      }
    }
  }

  private static void measure(String uri, int ops, int size) {
    byte[] payload = new byte[size];
    new SplittableRandom(42).nextBytes(payload);
    try (MeteredObjectStore store = new MeteredObjectStore(ObjectStores.open(uri))) {
      String run = "bench/" + System.nanoTime() + "/";
      LatencyHistogram puts =
          time(ops, i -> join(store.put(run + "p" + i, payload, PutCondition.none())));
      LatencyHistogram creates =
          time(ops, i -> join(store.put(run + "c" + i, payload, PutCondition.ifAbsent())));
      LatencyHistogram gets = time(ops, i -> join(store.get(run + "p" + i)));
      ObjectStoreMetrics metrics = store.snapshot();
      System.out.printf(
          "%-34s %-26s %-26s %-26s %.4f%n",
          label(uri),
          summary(puts),
          summary(creates),
          summary(gets),
          metrics.costUsd(RequestPricing.s3Standard()));
      for (int i = -Math.min(ops, 50); i < ops; i++) {
        join(store.delete(run + "p" + i));
        join(store.delete(run + "c" + i));
      }
    }
  }

  /** The store's column: its URI without its keys, cut to the column's width from the left. */
  static String label(String uri) {
    String shown = ObjectStores.redact(uri);
    return shown.length() > 34 ? "…" + shown.substring(shown.length() - 33) : shown;
  }

  private interface Op {
    void run(int i);
  }

  private static LatencyHistogram time(int ops, Op op) {
    for (int i = 0; i < Math.min(ops, 50); i++) {
      op.run(-1 - i); // warm up code paths and connections; keys below are distinct
    }
    LatencyHistogram histogram = new LatencyHistogram();
    for (int i = 0; i < ops; i++) {
      long start = System.nanoTime();
      op.run(i);
      histogram.record(System.nanoTime() - start);
    }
    return histogram;
  }

  private static String summary(LatencyHistogram h) {
    return String.format(
        "%.1f / %.1f / %.1f",
        h.quantileNanos(0.5) / 1e3, h.quantileNanos(0.99) / 1e3, h.quantileNanos(0.999) / 1e3);
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException("missing value after '" + args[i - 1] + "'");
    }
    return args[i];
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
