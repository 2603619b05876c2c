package dev.shaledb.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.error.FencedException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Writers and compactors racing to open one database: the epochs decide, nothing else. */
class ManifestRaceTest {
  private static final int CONTENDERS = 4;
  private static final int ROUNDS = 200;

  private final ExecutorService pool = Executors.newFixedThreadPool(CONTENDERS + 1);

  @AfterEach
  void shutdown() {
    pool.shutdownNow();
  }

  private record Outcome(long epoch, boolean updated) {}

  @Test
  void exactlyTheHighestEpochCanUpdateAfterConcurrentOpens() throws Exception {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    for (int round = 0; round < ROUNDS; round++) {
      String path = "round-" + round;
      CyclicBarrier opened = new CyclicBarrier(CONTENDERS + 1);
      List<Future<Outcome>> writers = new ArrayList<>();
      for (int c = 0; c < CONTENDERS; c++) {
        writers.add(pool.submit(() -> contend(memory, path, Role.WRITER, opened)));
      }
      Future<Outcome> compactor = pool.submit(() -> contend(memory, path, Role.COMPACTOR, opened));

      List<Outcome> outcomes = new ArrayList<>();
      for (Future<Outcome> f : writers) {
        outcomes.add(f.get());
      }
      assertThat(outcomes).extracting(Outcome::epoch).doesNotHaveDuplicates();
      assertThat(outcomes.stream().filter(Outcome::updated))
          .as("round %d", round)
          .singleElement()
          .extracting(Outcome::epoch)
          .isEqualTo((long) CONTENDERS);
      assertThat(compactor.get().updated()).isTrue();

      ManifestStore check = new ManifestStore(memory, path);
      Manifest latest = check.readLatest().orElseThrow();
      assertThat(latest.id()).isEqualTo(CONTENDERS + 3);
      long previousEpoch = 0;
      for (long id = 1; id <= latest.id(); id++) {
        long epoch = check.read(id).orElseThrow().state().writerEpoch();
        assertThat(epoch).isGreaterThanOrEqualTo(previousEpoch);
        previousEpoch = epoch;
      }
      assertThat(latest.state().writerEpoch()).isEqualTo(CONTENDERS);
      assertThat(latest.state().compactorEpoch()).isEqualTo(1);
      assertThat(latest.state().l0()).extracting(TableInfo::id).hasSize(1);
    }
  }

  /** Opens, waits until every contender opened, then tries one update. */
  private static Outcome contend(
      InMemoryObjectStore memory, String path, Role role, CyclicBarrier opened) throws Exception {
    FenceableManifest holder = FenceableManifest.open(new ManifestStore(memory, path), role);
    opened.await();
    try {
      holder.update(
          s ->
              role == Role.WRITER
                  ? s.toBuilder().addL0(TestStates.table("w" + holder.epoch(), "a", "b")).build()
                  : s.toBuilder().checkpoints(List.of()).build());
      return new Outcome(holder.epoch(), true);
    } catch (FencedException fenced) {
      assertThat(holder.isFenced()).isTrue();
      return new Outcome(holder.epoch(), false);
    }
  }
}
