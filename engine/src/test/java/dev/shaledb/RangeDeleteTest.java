package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.TransactionConflictException;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Range deletes through the public API: every level, compaction, snapshots, bad input. */
class RangeDeleteTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  static String k(int i) {
    return String.format("k%05d", i);
  }

  private static void fill(Db db, int from, int to, String value) {
    for (int i = from; i < to; i++) {
      db.put(b(k(i)), b(value), WriteOptions.noWait());
    }
  }

  private static List<String> keys(DbIterator it) {
    List<String> out = new ArrayList<>();
    try (it) {
      it.forEachRemaining(kv -> out.add(new String(kv.key())));
    }
    return out;
  }

  /** What every read path shows of keys [0, n) when exactly {@code deleted} are gone. */
  private static void assertVisible(Db db, int n, java.util.function.IntPredicate deleted) {
    List<String> expected = new ArrayList<>();
    List<byte[]> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(b(k(i)));
      if (!deleted.test(i)) {
        expected.add(k(i));
      }
      assertThat(db.get(b(k(i)))).as(k(i)).is(deleted.test(i) ? NULL : NOT_NULL);
    }
    List<byte[]> got = db.multiGet(all);
    for (int i = 0; i < n; i++) {
      assertThat(got.get(i)).as("multiGet %s", k(i)).is(deleted.test(i) ? NULL : NOT_NULL);
    }
    assertThat(keys(db.scan(b("k"), b("l")))).isEqualTo(expected);
    List<String> reversed = new ArrayList<>(expected);
    java.util.Collections.reverse(reversed);
    assertThat(keys(db.scanReverse(b("k"), b("l")))).isEqualTo(reversed);
  }

  private static final org.assertj.core.api.Condition<byte[]> NULL =
      new org.assertj.core.api.Condition<>(v -> v == null, "deleted");
  private static final org.assertj.core.api.Condition<byte[]> NOT_NULL =
      new org.assertj.core.api.Condition<>(v -> v != null, "present");

  @Test
  void aRangeDeleteHidesOlderVersionsAtEveryLevelAndLaterWritesShow() throws Exception {
    try (Db db = Db.open(store, "db", CompactionTest.options(CompactionTest.small().build()))) {
      fill(db, 0, 300, "a");
      db.engine().flushMemtables();
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      fill(db, 300, 400, "b");
      db.engine().flushMemtables(); // an L0 table
      fill(db, 400, 500, "c"); // the memtable
      db.deleteRange(b(k(100)), b(k(450)));
      db.put(b(k(200)), b("again"));
      assertVisible(db, 500, i -> i >= 100 && i < 450 && i != 200);
      assertThat(db.stats().rangeDeletes()).isEqualTo(1);
      db.engine().flushMemtables();
      assertVisible(db, 500, i -> i >= 100 && i < 450 && i != 200);
    }
    try (Db db = Db.open(store, "db", CompactionTest.options(CompactionTest.small().build()))) {
      assertVisible(db, 500, i -> i >= 100 && i < 450 && i != 200);
    }
  }

  @Test
  void compactionDropsWhatATombstoneCoversAndSplitsItAcrossTables() throws Exception {
    // Tiny output tables, so compaction cuts inside the deleted range; every run at the bottom.
    CompactionOptions c =
        CompactionTest.small().baseRunBytes(1 << 30).l0Trigger(2).targetTableBytes(4 << 10).build();
    try (Db db = Db.open(store, "db", CompactionTest.options(c))) {
      fill(db, 0, 2000, "value-of-some-length");
      db.engine().flushMemtables();
      Snapshot before = db.snapshot();
      db.deleteRange(b(k(500)), b(k(1500)));
      fill(db, 900, 950, "new");
      db.engine().flushMemtables();
      db.put(b("zz"), b("1"));
      db.engine().flushMemtables();
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      assertVisible(db, 2000, i -> i >= 500 && i < 1500 && !(i >= 900 && i < 950));
      ReadOptions old = ReadOptions.defaults().withSnapshot(before);
      assertThat(db.get(b(k(700)), old)).as("the snapshot still sees it").isNotNull();
      assertThat(keys(db.scan(b(k(495)), b(k(505)), old))).hasSize(10);
      before.close();
      long withSnapshot = db.stats().tableBytes();
      db.put(b("zz"), b("2"));
      db.engine().flushMemtables();
      db.put(b("zz"), b("3"));
      db.engine().flushMemtables();
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      assertVisible(db, 2000, i -> i >= 500 && i < 1500 && !(i >= 900 && i < 950));
      assertThat(db.stats().tableBytes()).isLessThan(withSnapshot);
      ManifestState state = new ManifestStore(store, "db").readLatest().orElseThrow().state();
      assertThat(state.sortedRuns().stream().mapToInt(r -> r.tables().size()).sum())
          .isGreaterThan(1);
    }
  }

  @Test
  void tablesOfARunTouchWhereACompactionCutsATombstone() throws Exception {
    CompactionOptions c =
        CompactionTest.small().l0Trigger(2).targetTableBytes(2 << 10).subcompactions(1).build();
    try (Db db = Db.open(store, "db", CompactionTest.options(c))) {
      Snapshot keepTombstone = null;
      fill(db, 0, 400, "v");
      db.engine().flushMemtables();
      keepTombstone = db.snapshot();
      db.deleteRange(b(k(0)), b(k(400)));
      fill(db, 0, 400, "w"); // newer than the tombstone: every table holds keys and a piece of it
      db.engine().flushMemtables();
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      ManifestState state = new ManifestStore(store, "db").readLatest().orElseThrow().state();
      boolean touching = state.sortedRuns().stream().anyMatch(SortedRun::hasTouchingTables);
      assertThat(touching).as("runs %s", state.sortedRuns()).isTrue();
      assertVisible(db, 400, i -> false);
      ReadOptions old = ReadOptions.defaults().withSnapshot(keepTombstone);
      for (int i = 0; i < 400; i += 37) {
        assertThat(db.get(b(k(i)), old)).asString().isEqualTo("v");
      }
      keepTombstone.close();
    }
  }

  @Test
  void aBadRangeIsRefusedAndNothingChanges() {
    try (Db db = Db.open(store, "db")) {
      db.put(b("b"), b("1"));
      assertThatThrownBy(() -> db.deleteRange(b("c"), b("a")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not sort before");
      assertThatThrownBy(() -> db.deleteRange(b("b"), b("b")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("the range is empty");
      assertThatThrownBy(() -> db.deleteRange(new byte[0], b("b")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("startInclusive is empty");
      assertThat(db.get(b("b"))).asString().isEqualTo("1");
      assertThat(db.stats().rangeDeletes()).isZero();
    }
  }

  @Test
  void aRangeDeleteConflictsWithATransactionThatWroteOrReadInIt() {
    try (Db db = Db.open(store, "db")) {
      db.put(b("b"), b("1"));
      Transaction writer = db.beginTransaction();
      writer.put(b("c"), b("2"));
      Transaction reader = db.beginTransaction(TransactionOptions.serializable());
      reader.get(b("b"));
      reader.put(b("x"), b("1"));
      Transaction outside = db.beginTransaction();
      outside.put(b("z"), b("1"));
      db.deleteRange(b("a"), b("d"));
      assertThatThrownBy(writer::commit).isInstanceOf(TransactionConflictException.class);
      assertThatThrownBy(reader::commit).isInstanceOf(TransactionConflictException.class);
      outside.commit();
      assertThat(db.get(b("z"))).isNotNull();
    }
  }

  @Test
  void mergeOperandsAfterARangeDeleteFoldOverNothing() throws Exception {
    try (Db db = Db.open(store, "db", MergeTest.options(MergeTest.COUNTER))) {
      db.put(b("c"), MergeTest.n(100));
      db.merge(b("c"), MergeTest.n(1));
      db.engine().flushMemtables();
      db.deleteRange(b("a"), b("d"));
      db.merge(b("c"), MergeTest.n(5));
      assertThat(MergeTest.n(db.get(b("c")))).isEqualTo(5);
      db.engine().flushMemtables();
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      assertThat(MergeTest.n(db.get(b("c")))).isEqualTo(5);
      assertThat(MergeTest.values(db.scanReverse(null, null))).containsExactly("c=5");
    }
  }

  @Test
  void scansJumpOverWhatARangeDeleteCoversInOlderTablesWithoutReadingThem() throws Exception {
    int n = 20_000;
    String value = "x".repeat(100);
    CompactionOptions c = CompactionTest.small().l0Trigger(2).baseRunBytes(1 << 30).build();
    try (Db db = Db.open(store, "db", CompactionTest.options(c))) {
      fill(db, 0, n, value);
      db.engine().flushMemtables();
      db.put(b("zz"), b("1"));
      db.engine().flushMemtables();
      assertThat(db.awaitCompactions(WAIT)).isTrue();
    }
    // The tombstone lands in an L0 table above the run; no compaction merges them meanwhile.
    CompactionOptions idle = CompactionTest.small().l0Trigger(8).build();
    try (Db db = Db.open(store, "db", CompactionTest.options(idle))) {
      db.deleteRange(b(k(1000)), b(k(n - 1000)));
      db.engine().flushMemtables();
    }
    ManifestState state = new ManifestStore(store, "db").readLatest().orElseThrow().state();
    int runTables = state.sortedRuns().stream().mapToInt(r -> r.tables().size()).sum();
    assertThat(state.l0()).isNotEmpty();
    assertThat(runTables).isGreaterThan(40);
    ReadOptions noReadAhead = ReadOptions.defaults().withReadAheadBytes(0);
    for (boolean reverse : new boolean[] {false, true}) {
      Set<String> tablesRead = ConcurrentHashMap.newKeySet();
      ObjectStore watched =
          new ForwardingObjectStore(store) {
            @Override
            public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
              if (key.endsWith(".sst")) {
                tablesRead.add(key);
              }
              return super.get(key, range);
            }
          };
      try (DbReader reader = DbReader.open(watched, "db")) {
        List<String> got =
            keys(
                reverse
                    ? reader.scanReverse(b("k"), b("l"), noReadAhead)
                    : reader.scan(b("k"), b("l"), noReadAhead));
        assertThat(got).as("reverse=%s", reverse).hasSize(2000);
        // Without jumping, the scan reads every table of the run; with it, those at either end
        // of the deleted range (and the L0 table holding the tombstone).
        assertThat(tablesRead).as("tables read, reverse=%s", reverse).hasSizeLessThan(12);
      }
    }
  }
}
