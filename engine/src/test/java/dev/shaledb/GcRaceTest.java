package dev.shaledb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.testing.Seeds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Standalone collectors with {@code minAge} zero racing the writer's checkpoint creation, deletion
 * and its own collection: a new checkpoint's pinned version must never be retired, concurrent
 * retirements and deletions of the same objects must not fail, and every object the latest manifest
 * and its checkpoints reference must survive. The writer makes no writes meanwhile, so {@code
 * minAge} zero is within its contract.
 */
class GcRaceTest {
  private static final int ROUNDS = 40;

  @Test
  void collectorsRaceCheckpointChanges() throws Exception {
    Seeds.Gen gen = Seeds.gen("GcRaceTest.collectorsRaceCheckpointChanges");
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    InMemoryObjectStore store = new InMemoryObjectStore(clock);
    GcOptions zero = GcOptions.builder().minAge(Duration.ZERO).interval(Duration.ZERO).build();
    DbOptions options = DbModelPropertyTest.tinyOptions().toBuilder().gc(zero).build();
    for (int i = 0; i < 4; i++) {
      try (Db db = Db.open(store, "db", options)) {
        for (int k = 0; k < 50; k++) {
          db.put(("k" + i + "-" + k).getBytes(UTF_8), gen.bytes(40));
        }
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Db db = Db.open(store, "db", options)) {
      // Compaction of what the opens flushed must be done: with minAge zero its unpublished
      // outputs would be fair game.
      DbModelPropertyTest.awaitCompactions(db);
      for (int round = 0; round < ROUNDS; round++) {
        clock.advance(Duration.ofMillis(1));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> collectors = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
          collectors.add(
              pool.submit(
                  () -> {
                    start.await();
                    try (GarbageCollector gc = GarbageCollector.open(store, "db", zero)) {
                      for (int r = 0; r < 3; r++) {
                        gc.run();
                      }
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (int op = 0; op < 4; op++) {
          int pick = gen.intBetween(0, 3);
          if (pick < 2) {
            db.createCheckpoint("r" + round, gen.chance(0.5) ? null : Duration.ofMillis(2), false);
          } else if (pick == 2) {
            List<Checkpoint> listed = db.listCheckpoints();
            if (!listed.isEmpty()) {
              db.deleteCheckpoint(listed.get(gen.intBetween(0, listed.size() - 1)).id());
            }
          } else {
            db.collectGarbage();
          }
        }
        for (Future<?> f : collectors) {
          f.get(30, TimeUnit.SECONDS);
        }
        checkReferencedObjectsExist(store, round, gen);
      }
    } finally {
      pool.shutdownNow();
    }
    try (Db db = Db.open(store, "db", options)) {
      for (int i = 0; i < 4; i++) {
        for (int k = 0; k < 50; k++) {
          assertThat(db.get(("k" + i + "-" + k).getBytes(UTF_8))).hasSize(40);
        }
      }
    }
  }

  private static void checkReferencedObjectsExist(
      InMemoryObjectStore store, int round, Object gen) {
    ManifestStore manifests = new ManifestStore(store, "db");
    Manifest latest = manifests.readLatest().orElseThrow();
    List<ManifestState> states = new ArrayList<>();
    states.add(latest.state());
    for (Checkpoint cp : latest.state().checkpoints()) {
      states.add(
          manifests
              .read(cp.manifestId())
              .orElseThrow(() -> new AssertionError("round " + round + " " + gen + ": " + cp))
              .state());
    }
    for (ManifestState s : states) {
      for (TableInfo t : s.l0()) {
        assertThat(Futures.join(store.head("db/sst/" + t.id() + ".sst")).size())
            .isEqualTo(t.sizeBytes());
      }
    }
  }
}
