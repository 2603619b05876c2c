package dev.shaledb.bench;

import static dev.shaledb.objectstore.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.PutCondition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SimulatedS3StoreTest {
  private static final LatencyModel PUT_40MS = new LatencyModel(40, 0, 0, 1, 1, 1e12);
  private static final LatencyModel GET_20MS = new LatencyModel(20, 0, 0, 1, 1, 1e12);

  @Test
  void putIsAppliedAfterItsLatencyAndNotBefore() {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    try (SimulatedS3Store store = new SimulatedS3Store(memory, PUT_40MS, GET_20MS, 1)) {
      long start = System.nanoTime();
      CompletableFuture<ObjectMeta> put = store.put("a/b", bytes("x"), PutCondition.ifAbsent());
      assertThat(join(memory.list("a/"))).isEmpty();
      join(put);
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(40_000_000);
      assertThat(join(memory.list("a/"))).hasSize(1);
    }
  }

  @Test
  void getAnswersAfterItsFirstByteLatency() {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    join(memory.put("k", bytes("value"), PutCondition.none()));
    try (SimulatedS3Store store = new SimulatedS3Store(memory, PUT_40MS, GET_20MS, 1)) {
      long start = System.nanoTime();
      assertThat(new String(join(store.get("k")).data(), StandardCharsets.UTF_8))
          .isEqualTo("value");
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(20_000_000);
    }
  }

  @Test
  void failuresPassThroughAfterTheLatency() {
    try (SimulatedS3Store store =
        new SimulatedS3Store(new InMemoryObjectStore(), PUT_40MS, GET_20MS, 1)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> join(store.get("missing")))
          .isInstanceOf(ObjectNotFoundException.class);
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(20_000_000);
    }
  }

  @Test
  void requestsOverlapInsteadOfQueueing() {
    LatencyModel slow = new LatencyModel(100, 0, 0, 1, 1, 1e12);
    try (SimulatedS3Store store =
        new SimulatedS3Store(new InMemoryObjectStore(), slow, GET_20MS, 1)) {
      long start = System.nanoTime();
      List<CompletableFuture<ObjectMeta>> puts = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        puts.add(store.put("p/" + i, bytes("v"), PutCondition.none()));
      }
      puts.forEach(f -> join(f));
      // serial would be 2 s; generous because the test machine is shared
      assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
