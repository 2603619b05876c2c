package dev.shaledb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@code Db.createClone} while other threads write: every write acknowledged before the call began
 * must be in the clone. Each key has one writing thread whose values count up, so the clone's value
 * of a key may not be below the last one acknowledged before the call.
 */
class CloneConcurrentWritesTest {
  private static final int ROUNDS = Boolean.getBoolean("shaledb.long") ? 100 : 10;

  @Test
  void aCloneHoldsEveryWriteAcknowledgedBeforeTheCall() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        round(pool, "dst" + round);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void round(ExecutorService pool, String target) throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore();
    ConcurrentHashMap<String, Integer> acked = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    java.util.Map<String, Integer> before;
    try (Db db = Db.open(store, "src", CloneTest.options())) {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int thread = t;
        writers.add(
            pool.submit(
                () -> {
                  for (int n = 1; !stop.get(); n++) {
                    String key = "t" + thread + "k" + (n % 20);
                    boolean durable = n % 3 == 0;
                    db.put(
                        bytes(key),
                        bytes(Integer.toString(n)),
                        durable ? WriteOptions.durable() : WriteOptions.noWait());
                    acked.put(key, n);
                  }
                  return null;
                }));
      }
      Thread.sleep(30);
      before = new java.util.HashMap<>(acked);
      db.createClone(target);
      stop.set(true);
      for (Future<?> f : writers) {
        f.get();
      }
      try (DbReader clone = DbReader.open(store, target)) {
        check(before, clone::get);
      }
    }
    // Recovered by a writer of its own that rewrites what it shares, and read again.
    try (Db clone = Db.open(store, target, CloneTest.detaching())) {
      check(before, clone::get);
      clone.put(bytes("other"), bytes("1"));
      clone.flush();
      clone.awaitCompactions(Duration.ofSeconds(20));
      check(before, clone::get);
    }
    try (Db clone = Db.open(store, target, CloneTest.options())) {
      check(before, clone::get);
    }
  }

  private static void check(
      java.util.Map<String, Integer> before, java.util.function.Function<byte[], byte[]> get) {
    for (var e : before.entrySet()) {
      byte[] v = get.apply(bytes(e.getKey()));
      assertThat(v).as("key %s", e.getKey()).isNotNull();
      assertThat(Integer.parseInt(new String(v, StandardCharsets.UTF_8)))
          .as("key %s", e.getKey())
          .isGreaterThanOrEqualTo(e.getValue());
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
