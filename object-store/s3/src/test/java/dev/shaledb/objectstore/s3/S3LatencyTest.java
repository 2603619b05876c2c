package dev.shaledb.objectstore.s3;

import static dev.shaledb.objectstore.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.testing.Seeds;
import java.util.Arrays;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints the latency of sequential 1 KiB operations against the loopback S3 server. A measurement,
 * not a test: it asserts nothing about time and runs only with {@code -Dshaledb.long=true}.
 */
@EnabledIfSystemProperty(named = "shaledb.long", matches = "true")
class S3LatencyTest {
  private static final int OPS = 1_000;
  private static final int WARMUP = 200;

  @Test
  void sequentialOneKibOperations() {
    byte[] value = Seeds.gen("sequentialOneKibOperations").bytes(1024);
    try (S3TestServer server = S3TestServer.start();
        ObjectStore store = server.newStore()) {
      measure("warm-up", WARMUP, i -> join(store.put("warm/" + i, value, PutCondition.none())));
      report("put none", i -> join(store.put("k/" + i, value, PutCondition.none())));
      report("put ifAbsent", i -> join(store.put("a/" + i, value, PutCondition.ifAbsent())));
      report("get", i -> assertThat(join(store.get("k/" + i)).data()).hasSize(1024));
      report("head", i -> join(store.head("k/" + i)));
    }
  }

  private static void report(String what, IntConsumer op) {
    long[] nanos = measure(what, OPS, op);
    System.out.printf(
        "[s3-latency] %-12s n=%d median=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms%n",
        what,
        OPS,
        millis(nanos, 0.50),
        millis(nanos, 0.90),
        millis(nanos, 0.99),
        nanos[nanos.length - 1] / 1e6);
  }

  private static long[] measure(String what, int ops, IntConsumer op) {
    long[] nanos = new long[ops];
    for (int i = 0; i < ops; i++) {
      long start = System.nanoTime();
      op.accept(i);
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return nanos;
  }

  private static double millis(long[] sorted, double quantile) {
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1e6;
  }
}
