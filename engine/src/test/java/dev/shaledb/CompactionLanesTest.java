package dev.shaledb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.compaction.ScriptedGets;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.table.TableKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The L0 lane never waits for the run lane: while a merge of runs is stalled on its reads (the
 * store holds them: a store slower than any timeout), L0 compactions keep completing, writing new
 * runs instead of merging into the run the stalled job is compacting; and once those new runs
 * exceed {@code maxRuns}, a second run job merges them rather than waiting for the stalled one.
 */
class CompactionLanesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final DbOptions DB_OPTIONS =
      DbOptions.builder()
          .memtableBytes(4 << 20)
          .maxUnflushedBytes(16 << 20)
          .tableOptions(SstOptions.defaults().withBlockSize(1024))
          .compaction(CompactionOptions.disabled())
          .build();

  /**
   * Two runs that the first compactor never merges: a big one (tier 2 of 1 KiB x 1000) and a small
   * one above it (tier 1).
   */
  private static final CompactionOptions KEEP_RUNS =
      CompactionOptions.builder()
          .l0Trigger(2)
          .baseRunBytes(1024)
          .tierFanout(1000)
          .maxSpaceAmplification(1000)
          .pollInterval(Duration.ofMillis(50))
          .build();

  private final InMemoryObjectStore base = new InMemoryObjectStore();

  @Test
  void l0CompactionsKeepCompletingWhileARunMergeIsStalled() throws Exception {
    try (Db db = Db.open(base, "db", DB_OPTIONS)) {
      ManifestState before = twoRuns(db);
      // In one tier, the two runs must merge: that job's reads stall.
      ScriptedGets store = holdingReadsOf(before);
      CompactionOptions oneTier =
          KEEP_RUNS.toBuilder()
              .baseRunBytes(1L << 30)
              .tierMergeWidth(2)
              .maxSpaceAmplification(1.25)
              .build();
      try (Compactor compactor = Compactor.open(store, "db", oneTier)) {
        try {
          stallRunMergeAndCompactL0(db, compactor, store, before);
        } finally {
          store.release(); // a failed assertion must not leave the job stuck for close to wait on
        }
        assertThat(compactor.compactNow(WAIT)).isTrue();
      }
      assertThat(state().sortedRuns()).hasSize(1);
      for (int k = 0; k < 12_000; k += 7) {
        assertThat(db.get(key(k))).as("key %d", k).isEqualTo(value(k < 100 ? 4 : 0, k));
      }
    }
  }

  @Test
  void runsBeyondMaxRunsMergeWhileAnotherRunMergeIsStalled() throws Exception {
    try (Db db = Db.open(base, "db", DB_OPTIONS)) {
      ManifestState before = twoRuns(db);
      ScriptedGets store = holdingReadsOf(before);
      // The space bound merges the two old runs (their reads stall); every new run is in tier 1,
      // too big for an L0 job to absorb, so each L0 job writes one; the count rule merges the two
      // new runs once they exceed maxRuns.
      CompactionOptions debt =
          KEEP_RUNS.toBuilder().maxSpaceAmplification(1.001).maxRuns(3).build();
      try (Compactor compactor = Compactor.open(store, "db", debt)) {
        try {
          awaitHeld(store);
          flushTwoTables(db, 100, 2);
          awaitCompactions(compactor, 1);
          assertThat(state().sortedRuns()).as("one new run: 3, not above maxRuns").hasSize(3);
          flushTwoTables(db, 100, 3);
          // The second L0 job makes 4 runs, above maxRuns: a second run job merges the new two.
          awaitCompactions(compactor, 3);
          assertThat(store.heldCount()).as("the first run merge is still stalled").isPositive();
          ManifestState during = state();
          assertThat(during.sortedRuns()).hasSize(3);
          assertThat(during.sortedRuns().subList(1, 3)).isEqualTo(before.sortedRuns());
        } finally {
          store.release();
        }
        assertThat(compactor.compactNow(WAIT)).isTrue();
      }
      for (int k = 0; k < 12_000; k += 7) {
        assertThat(db.get(key(k))).as("key %d", k).isEqualTo(value(k < 100 ? 3 : 0, k));
      }
    }
  }

  /** Two runs and an empty L0, written by a compactor that never merges them. */
  private ManifestState twoRuns(Db db) throws InterruptedException {
    flushTwoTables(db, 12_000, 0);
    try (Compactor first = Compactor.open(base, "db", KEEP_RUNS)) {
      assertThat(first.compactNow(WAIT)).isTrue();
      flushTwoTables(db, 100, 1);
      assertThat(first.compactNow(WAIT)).isTrue();
    }
    ManifestState before = state();
    assertThat(before.sortedRuns()).hasSize(2);
    assertThat(before.l0()).isEmpty();
    return before;
  }

  /** A store over the base that holds every read of the tables of {@code state}'s runs. */
  private ScriptedGets holdingReadsOf(ManifestState state) {
    ScriptedGets store = new ScriptedGets(base, 1, 0);
    Set<String> runTables = new HashSet<>();
    for (SortedRun run : state.sortedRuns()) {
      for (TableInfo t : run.tables()) {
        runTables.add(TableKeys.key("db", t.id()));
      }
    }
    store.hold(runTables::contains);
    return store;
  }

  private static void awaitCompactions(Compactor compactor, long n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (compactor.compactions() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(compactor.compactions()).as("compactions published").isEqualTo(n);
  }

  /** With the run merge stalled, three rounds of L0 tables are compacted, into a new run. */
  private void stallRunMergeAndCompactL0(
      Db db, Compactor compactor, ScriptedGets store, ManifestState before) throws Exception {
    awaitHeld(store);
    for (int round = 2; round < 5; round++) {
      flushTwoTables(db, 100, round);
      awaitCompactions(compactor, round - 1);
      assertThat(store.heldCount()).as("the run merge is still stalled").isPositive();
    }
    ManifestState during = state();
    assertThat(during.l0()).as("L0 compacted").isEmpty();
    assertThat(during.sortedRuns()).as("a new run above the two being merged").hasSize(3);
    assertThat(during.sortedRuns().subList(1, 3)).isEqualTo(before.sortedRuns());
  }

  /** Writes {@code keys} keys as two L0 tables (half each), enough for an L0 job. */
  private static void flushTwoTables(Db db, int keys, int round) {
    for (int half = 0; half < 2; half++) {
      for (int k = half * keys / 2; k < (half + 1) * keys / 2; k++) {
        db.put(key(k), value(round, k), WriteOptions.noWait());
      }
      db.engine().flushMemtables();
    }
  }

  private static void awaitHeld(ScriptedGets store) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (store.heldCount() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(store.heldCount()).as("the run merge started reading").isPositive();
  }

  private ManifestState state() {
    return new ManifestStore(base, "db").readLatest().orElseThrow().state();
  }

  private static byte[] key(int k) {
    return String.format("key%06d", k).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int round, int k) {
    byte[] v = new byte[100];
    byte[] tag = (round + ":" + k + ":").getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < v.length; i++) {
      v[i] = tag[i % tag.length];
    }
    return v;
  }
}
