package dev.shaledb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.table.TableKeys;
import dev.shaledb.wal.WalKeys;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link GarbageCollector#plan}: changes nothing but the clock probe, and a real run made right
 * after it does exactly what it reported.
 */
class GcDryRunTest {
  private static final Duration MIN_AGE = Duration.ofMinutes(10);
  private static final GcOptions GC =
      GcOptions.builder().minAge(MIN_AGE).interval(Duration.ZERO).build();
  private static final String PROBE = "db/gc/clock";

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryObjectStore store = new InMemoryObjectStore(clock);

  /** Writes that reached the store through it, as "PUT key" and "DELETE key". */
  private final List<String> writes = Collections.synchronizedList(new ArrayList<>());

  private final ForwardingObjectStore watched =
      new ForwardingObjectStore(store) {
        @Override
        public CompletableFuture<ObjectMeta> put(
            String key, ByteBuffer data, PutCondition condition) {
          writes.add("PUT " + key);
          return super.put(key, data, condition);
        }

        @Override
        public CompletableFuture<Void> delete(String key) {
          writes.add("DELETE " + key);
          return super.delete(key);
        }
      };

  /** Four writer sessions, then a compaction of their L0: garbage of every kind, aged. */
  private void makeGarbage() throws InterruptedException {
    DbOptions options =
        DbOptions.builder()
            .compaction(CompactionOptions.disabled())
            .gc(GcOptions.builder().interval(Duration.ZERO).build())
            .build();
    for (int round = 0; round < 4; round++) {
      try (Db db = Db.open(store, "db", options)) {
        for (int i = 0; i < 5; i++) {
          db.put(("k" + round + i).getBytes(UTF_8), ("v" + i).getBytes(UTF_8));
        }
      }
    }
    try (Compactor compactor = Compactor.open(store, "db", CompactionOptions.defaults())) {
      assertThat(compactor.compactNow(Duration.ofMinutes(1))).isTrue();
    }
    assertThat(new ManifestStore(store, "db").readLatest().orElseThrow().state().l0()).isEmpty();
    clock.advance(MIN_AGE.plusMinutes(1));
  }

  private Map<String, byte[]> objects() {
    Map<String, byte[]> all = new TreeMap<>();
    for (ObjectMeta meta : Futures.join(store.list(""))) {
      all.put(meta.key(), Futures.join(store.get(meta.key())).data());
    }
    return all;
  }

  @Test
  void aPlanChangesNothingAndTheRunAfterItDoesExactlyThat() throws InterruptedException {
    makeGarbage();
    Map<String, byte[]> before = objects();

    GcPlan plan = GarbageCollector.plan(watched, "db", GC);

    assertThat(writes).containsExactly("PUT " + PROBE);
    Map<String, byte[]> after = objects();
    after.remove(PROBE);
    before.remove(PROBE);
    assertThat(after).containsOnlyKeys(before.keySet());
    before.forEach((key, bytes) -> assertThat(after.get(key)).as(key).isEqualTo(bytes));
    // Non-vacuity: there was garbage of every kind to plan for.
    assertThat(plan.manifestsToRetire()).isNotEmpty();
    assertThat(plan.tablesToDelete()).hasSize(4);
    assertThat(plan.walObjectsToDelete()).isNotEmpty();
    assertThat(plan.tableFloor()).isNotEmpty();
    assertThat(plan.otherWrites()).isEmpty();
    assertThat(plan.result().manifestsRetired()).isEqualTo(plan.manifestsToRetire().size());
    assertThat(plan.result().tablesDeleted()).isEqualTo(plan.tablesToDelete().size());
    long bytes = 0;
    for (ObjectMeta m : plan.tablesToDelete()) {
      bytes += m.size();
    }
    for (ObjectMeta m : plan.walObjectsToDelete()) {
      bytes += m.size();
    }
    assertThat(plan.result().bytesDeleted()).isEqualTo(bytes);

    writes.clear();
    GcResult run;
    try (GarbageCollector gc = GarbageCollector.open(watched, "db", GC)) {
      run = gc.run();
    }

    TreeSet<String> deleted = new TreeSet<>();
    for (String w : writes) {
      if (w.startsWith("DELETE ")) {
        deleted.add(w.substring("DELETE ".length()));
      }
    }
    TreeSet<String> planned = new TreeSet<>();
    plan.tablesToDelete().forEach(m -> planned.add(m.key()));
    plan.walObjectsToDelete().forEach(m -> planned.add(m.key()));
    assertThat(deleted).isEqualTo(planned);
    List<Long> retired = new ArrayList<>();
    for (ObjectMeta m : Futures.join(store.list(ManifestKeys.prefix("db")))) {
      if (m.size() == 0 && before.get(m.key()).length > 0) {
        retired.add(ManifestKeys.parseId("db", m.key()).getAsLong());
      }
    }
    assertThat(retired).isEqualTo(plan.manifestsToRetire());
    assertThat(new ManifestStore(store, "db").readLatest().orElseThrow().state().condemnedThrough())
        .isEqualTo(plan.tableFloor());
    assertThat(run).isEqualTo(plan.result());
    assertThat(planned)
        .allMatch(k -> TableKeys.parseId("db", k) != null || WalKeys.parseId("db", k).isPresent());
  }

  @Test
  void withinMinAgeThePlanIsEmpty() throws InterruptedException {
    makeGarbage();
    clock.advance(MIN_AGE.negated());

    GcPlan plan = GarbageCollector.plan(watched, "db", GC);

    assertThat(writes).containsExactly("PUT " + PROBE);
    assertThat(plan.manifestsToRetire()).isEmpty();
    assertThat(plan.tablesToDelete()).isEmpty();
    assertThat(plan.walObjectsToDelete()).isEmpty();
    assertThat(plan.tableFloor()).isEmpty();
    assertThat(plan.result().latestManifestId()).isPositive();
  }
}
