package dev.shaledb;

import static dev.shaledb.Testing.b;
import static dev.shaledb.Testing.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CheckpointNotFoundException;
import dev.shaledb.error.FencedException;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.RequestType;
import dev.shaledb.objectstore.s3.RgwTarget;
import dev.shaledb.objectstore.s3.S3ObjectStore;
import dev.shaledb.table.TableKeys;
import dev.shaledb.testing.Seeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The engine end to end on a real Ceph RADOS Gateway (the RGW tier, {@link RgwTarget}; skipped
 * unless it is configured): durable writes, tables uploaded in parts, reopening, fencing, garbage
 * collection after compaction, checkpoints and a reader following the writer. Each test writes one
 * database under its own prefix of the tier's bucket and deletes the prefix afterwards.
 *
 * <p>The store uploads objects above 5 MiB in 5 MiB parts (S3's smallest), so a table flushed from
 * a memtable of a few MiB is a multipart upload while WAL objects (cut at 4 MiB) and manifests are
 * single PUTs.
 */
class DbRgwTest {
  private static final long PART = 5L << 20;
  private static final String DB = "db";

  /** The grace period of the tests that collect garbage, and how long they wait past it. */
  private static final Duration MIN_AGE = Duration.ofSeconds(1);

  private static final Duration PAST_MIN_AGE = Duration.ofSeconds(3);

  private static RgwTarget rgw;

  private String prefix;
  private ObjectStore store;

  @BeforeAll
  static void target() {
    rgw = RgwTarget.assumeConfigured();
  }

  @BeforeEach
  void openStore(TestInfo test) {
    prefix = rgw.uniquePrefix("engine-" + test.getTestMethod().orElseThrow().getName());
    store =
        S3ObjectStore.open(
            rgw.config(prefix).partSizeBytes(PART).multipartThresholdBytes(PART).build());
  }

  @AfterEach
  void deleteWhatTheTestWrote() {
    store.close();
    rgw.deletePrefix(prefix);
  }

  /** Periodic GC off: the tests that collect call {@link Db#collectGarbage()} themselves. */
  private static DbOptions.Builder options() {
    return DbOptions.builder()
        .gc(GcOptions.builder().minAge(MIN_AGE).interval(Duration.ZERO).build());
  }

  @Test
  void durableWritesSurviveCloseAndReopen() {
    DbOptions options = options().memtableBytes(64 << 10).build();
    TreeMap<String, byte[]> expected = new TreeMap<>();
    try (Db db = Db.open(store, DB, options)) {
      for (int i = 0; i < 200; i++) {
        db.put(b(key(i)), b("durable-" + i));
        expected.put(key(i), b("durable-" + i));
      }
      DbStats afterDurable = db.stats();
      assertThat(afterDurable.durableSequence()).isEqualTo(afterDurable.lastSequence());
      assertThat(afterDurable.objectStore().requests(RequestType.PUT)).as("WAL puts").isPositive();

      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < 20_000; i++) {
        String k = key(i % 5_000);
        byte[] v = b("batch-" + i + "-".repeat(i % 40));
        batch.put(b(k), v);
        expected.put(k, v);
        if (batch.size() == 500) {
          db.write(batch, WriteOptions.noWait());
          batch.clear();
        }
      }
      db.delete(b(key(7)));
      expected.remove(key(7));
      db.flush();
      DbStats stats = db.stats();
      assertThat(stats.durableSequence()).isEqualTo(stats.lastSequence());
    } // close flushes the memtables to tables
    try (Db db = Db.open(store, DB, options)) {
      DbStats stats = db.stats();
      assertThat(stats.l0Tables() + stats.sortedRuns()).as("tables after reopen").isPositive();
      assertContains(db, expected);
      assertThat(db.get(b(key(7)))).isNull();
    }
  }

  @Test
  void tablesAboveTheMultipartThresholdAreFlushedAndReadBack() {
    // Random values do not compress: a 7 MiB memtable becomes a table of about 7 MiB, two parts.
    DbOptions options = options().memtableBytes(16L << 20).build();
    Seeds.Gen gen = Seeds.gen("tablesAboveTheMultipartThresholdAreFlushedAndReadBack");
    TreeMap<String, byte[]> expected = new TreeMap<>();
    try (Db db = Db.open(store, DB, options)) {
      for (int i = 0; i < 112; i++) {
        byte[] value = gen.bytes(64 << 10);
        db.put(b(key(i)), value, WriteOptions.noWait());
        expected.put(key(i), value);
      }
      db.flush();
      db.engine().flushMemtables();
      List<TableInfo> tables = tables(latest());
      assertThat(tables).as("tables after the flush").isNotEmpty();
      assertThat(tables.stream().mapToLong(TableInfo::sizeBytes).max().orElseThrow())
          .as("the largest table's size, above the multipart threshold")
          .isGreaterThan(PART);
    }
    try (Db db = Db.open(store, DB, options)) {
      assertThat(db.stats().unflushedBytes()).as("nothing replayed from the WAL").isZero();
      assertContains(db, expected);
      assertThat(db.stats().cacheMisses()).as("blocks read from the table").isPositive();
    }
  }

  @Test
  void aSecondWriterFencesTheFirst() {
    // Two writers in one process stand for two processes: the second takes over, as one would.
    Db first = Db.open(store, DB, options().allowInProcessTakeover(true).build());
    first.put(b("a"), b("1"));
    try (Db second = Db.open(store, DB, options().allowInProcessTakeover(true).build())) {
      assertThat(second.get(b("a"))).isEqualTo(b("1"));
      assertThatThrownBy(() -> first.put(b("b"), b("2"))).isInstanceOf(FencedException.class);
      assertThatThrownBy(() -> first.put(b("c"), b("3"))).isInstanceOf(FencedException.class);
      second.put(b("d"), b("4"));
      first.close();
      assertThat(second.get(b("b"))).isNull();
      assertThat(second.get(b("d"))).isEqualTo(b("4"));
    }
    try (Db third = Db.open(store, DB, options().build())) {
      assertThat(third.get(b("a"))).isEqualTo(b("1"));
      assertThat(third.get(b("b"))).isNull();
      assertThat(third.get(b("d"))).isEqualTo(b("4"));
    }
  }

  @Test
  void garbageCollectionRetiresManifestsAndDeletesCompactedTables() throws Exception {
    DbOptions options =
        options()
            .compaction(CompactionOptions.builder().l0Trigger(2).build())
            .memtableBytes(1 << 20)
            .build();
    TreeMap<String, byte[]> expected = new TreeMap<>();
    try (Db db = Db.open(store, DB, options)) {
      long firstManifest = latestId();
      for (int round = 0; round < 6; round++) {
        for (int i = 0; i < 200; i++) {
          byte[] v = b("round-" + round + "-" + i);
          db.put(b(key(i)), v, WriteOptions.noWait());
          expected.put(key(i), v);
        }
        db.flush();
        db.engine().flushMemtables();
      }
      assertThat(db.awaitCompactions(Duration.ofMinutes(2))).as("compactions done").isTrue();
      assertThat(db.stats().compactions()).as("compactions published").isPositive();
      Thread.sleep(PAST_MIN_AGE.toMillis());

      GcResult gc = db.collectGarbage();
      ManifestState latest = latest();
      Set<String> referenced = latest.tableIds();
      Set<String> stored = new HashSet<>();
      for (ObjectMeta meta : Futures.join(store.list(TableKeys.prefix(DB)))) {
        stored.add(TableKeys.parseId(DB, meta.key()));
      }
      SoftAssertions.assertSoftly(
          soft -> {
            soft.assertThat(gc.manifestsRetired()).as("manifests retired: " + gc).isPositive();
            soft.assertThat(gc.tablesDeleted()).as("tables deleted: " + gc).isPositive();
            soft.assertThat(new ManifestStore(store, DB).read(firstManifest))
                .as("the first manifest version, retired")
                .isEmpty();
            soft.assertThat(stored)
                .as("the tables left in the store are the latest manifest's")
                .isEqualTo(referenced);
          });
      assertContains(db, expected);
    }
    try (Db db = Db.open(store, DB, options)) {
      assertContains(db, expected);
    }
  }

  @Test
  void checkpointsAreCreatedListedReadAndDeleted() throws Exception {
    try (Db db = Db.open(store, DB, options().build())) {
      db.put(b("a"), b("1"));
      db.put(b("b"), b("2"));
      Checkpoint cp = db.createCheckpoint("rgw-tier", Duration.ofHours(1));
      assertThat(db.listCheckpoints()).containsExactly(cp);

      db.put(b("a"), b("changed"));
      db.delete(b("b"));
      db.put(b("c"), b("3"));
      db.engine().flushMemtables();
      db.put(b("d"), b("4")); // only in the WAL

      DbReaderOptions atCheckpoint =
          DbReaderOptions.builder().checkpoint(cp.id()).pollInterval(Duration.ZERO).build();
      try (DbReader pinned = DbReader.open(store, DB, atCheckpoint);
          DbReader following =
              DbReader.open(
                  store, DB, DbReaderOptions.builder().pollInterval(Duration.ZERO).build())) {
        assertThat(pinned.manifestId()).isEqualTo(cp.manifestId());
        assertThat(pinned.get(b("a"))).isEqualTo(b("1"));
        assertThat(pinned.get(b("b"))).isEqualTo(b("2"));
        assertThat(keys(pinned.scan(null, null))).containsExactly("a", "b");
        assertThat(keys(following.scan(null, null))).containsExactly("a", "c", "d");
      }

      assertThat(db.deleteCheckpoint(cp.id())).isTrue();
      assertThat(db.deleteCheckpoint(cp.id())).isFalse();
      assertThat(db.listCheckpoints()).isEmpty();
      assertThatThrownBy(() -> DbReader.open(store, DB, atCheckpoint).close())
          .isInstanceOf(CheckpointNotFoundException.class);

      Thread.sleep(PAST_MIN_AGE.toMillis());
      GcResult gc = db.collectGarbage();
      assertThat(new ManifestStore(store, DB).read(cp.manifestId()))
          .as("the unpinned checkpoint version after " + gc)
          .isEmpty();
    }
  }

  @Test
  void aReaderFollowsTheWriter() throws Exception {
    DbOptions options = options().memtableBytes(32 << 10).build();
    try (Db db = Db.open(store, DB, options)) {
      db.put(b("k-first"), b("1"));
      DbReaderOptions polling =
          DbReaderOptions.builder().pollInterval(Duration.ofMillis(200)).build();
      try (DbReader reader = DbReader.open(store, DB, polling)) {
        assertThat(reader.get(b("k-first"))).isEqualTo(b("1"));

        db.put(b("k-second"), b("2"));
        reader.refresh();
        assertThat(reader.get(b("k-second"))).isEqualTo(b("2"));

        // Enough to flush several tables and publish new manifests while the reader polls.
        long manifestBefore = reader.manifestId();
        TreeMap<String, byte[]> expected = new TreeMap<>();
        for (int i = 0; i < 2_000; i++) {
          byte[] v = b("followed-" + i + "-".repeat(i % 30));
          db.put(b(key(i)), v, i % 100 == 99 ? WriteOptions.durable() : WriteOptions.noWait());
          expected.put(key(i), v);
        }
        db.flush();
        db.engine().flushMemtables();
        assertThat(db.stats().memtableFlushes()).as("tables flushed meanwhile").isGreaterThan(1);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (reader.get(b(key(1_999))) == null && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(reader.manifestId())
            .as("manifest the reader follows")
            .isGreaterThan(manifestBefore);
        assertContains(reader, expected);
        assertThat(reader.get(b("k-first"))).isEqualTo(b("1"));
      }
    }
  }

  private ManifestState latest() {
    return new ManifestStore(store, DB).readLatest().orElseThrow().state();
  }

  private long latestId() {
    return new ManifestStore(store, DB).readLatest().orElseThrow().id();
  }

  private static List<TableInfo> tables(ManifestState state) {
    List<TableInfo> all = new ArrayList<>(state.l0());
    state.sortedRuns().stream().map(SortedRun::tables).forEach(all::addAll);
    return all;
  }

  private static String key(int i) {
    return String.format("key-%06d", i);
  }

  private static void assertContains(Db db, TreeMap<String, byte[]> expected) {
    assertThat(keys(db.scan(null, null))).containsExactlyElementsOf(expected.keySet());
    expected.forEach((k, v) -> assertThat(db.get(b(k))).as("value of %s", k).isEqualTo(v));
  }

  private static void assertContains(DbReader reader, TreeMap<String, byte[]> expected) {
    List<String> found = keys(reader.scan(b("key-"), b("key.")));
    assertThat(found).containsExactlyElementsOf(expected.keySet());
    Stream.of(0, expected.size() / 2, expected.size() - 1)
        .map(i -> key(i))
        .forEach(k -> assertThat(reader.get(b(k))).as("value of %s", k).isEqualTo(expected.get(k)));
  }
}
