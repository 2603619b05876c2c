package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.DbNotFoundException;
import dev.shaledb.error.FencedException;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.testing.stores.HookedObjectStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Compaction through the public API: space, deletes, snapshots, crashes and fencing. */
class CompactionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final InMemoryObjectStore base = new InMemoryObjectStore();

  static DbOptions options(CompactionOptions compaction) {
    return DbOptions.builder()
        .memtableBytes(16 << 10)
        .maxUnflushedBytes(1 << 20)
        .tableOptions(SstOptions.defaults().withBlockSize(1024))
        .compaction(compaction)
        .build();
  }

  static CompactionOptions.Builder small() {
    return CompactionOptions.builder()
        .l0Trigger(4)
        .baseRunBytes(64 << 10)
        .tierFanout(4)
        .targetTableBytes(32 << 10)
        .pollInterval(Duration.ofMillis(50));
  }

  @Test
  void overwritesStayWithinTheSpaceBound() throws Exception {
    try (Db db = Db.open(base, "db", options(small().build()))) {
      for (int round = 0; round < 40; round++) {
        write(db, 500, round);
      }
      flushAndCompact(db);
      DbStats stats = db.stats();
      long reference = compactedSizeOfLatestValues(39);
      double spaceAmplification = (double) stats.tableBytes() / reference;
      assertThat(spaceAmplification).as("space amplification").isLessThanOrEqualTo(1.5);
      assertThat(stats.compactions()).isPositive();
      assertThat(stats.l0Tables()).isLessThan(4);
      for (int k = 0; k < 500; k++) {
        assertThat(db.get(key(k))).isEqualTo(value(39, k));
      }
    }
  }

  @Test
  void tombstonesAreDroppedAtTheBottomButKeptForAnOpenSnapshot() throws Exception {
    // Every run in tier 0, so runs always merge down to the bottom.
    DbOptions opts = options(small().baseRunBytes(1 << 30).l0Trigger(2).build());
    try (Db db = Db.open(base, "db", opts)) {
      write(db, 1000, 0);
      flushAndCompact(db);
      long full = db.stats().tableBytes();
      Snapshot snapshot = db.snapshot();
      for (int k = 0; k < 1000; k++) {
        db.delete(key(k), WriteOptions.noWait());
      }
      flushAndCompact(db);
      flushAndCompact(db, "x");
      assertThat(db.stats().compactions()).isGreaterThanOrEqualTo(2);
      ReadOptions atSnapshot = ReadOptions.defaults().withSnapshot(snapshot);
      for (int k = 0; k < 1000; k += 7) {
        assertThat(db.get(key(k))).isNull();
        assertThat(db.get(key(k), atSnapshot))
            .as("the snapshot still sees it")
            .isEqualTo(value(0, k));
      }
      snapshot.close();
      flushAndCompact(db, "y");
      flushAndCompact(db, "z");
      for (int k = 0; k < 1000; k += 7) {
        assertThat(db.get(key(k))).isNull();
      }
      assertThat(db.stats().tableBytes())
          .as("deleted values and their tombstones are gone")
          .isLessThan(full / 10);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, -1})
  void aCompactorThatDiesMidwayLosesAndDuplicatesNothing(int crashAfterPuts) throws Exception {
    try (Db db = Db.open(base, "db", options(CompactionOptions.disabled()))) {
      write(db, 2000, 0);
      // Quiesce the writer: its flushes publish manifests, and the compactor's epoch bump retries
      // on every such conflict, which must not count as the compaction's manifest update.
      db.engine().flushMemtables();
      HookedObjectStore hooked = new HookedObjectStore(base);
      AtomicInteger tablePuts = new AtomicInteger();
      CountDownLatch dead = new CountDownLatch(1);
      hooked.setPutHook(
          (key, data, condition, proceed) -> {
            boolean isManifest = key.contains("/manifest/");
            // -1: die right after the first manifest update that follows a table upload (the
            // compaction's publish); k: after k table uploads.
            int uploads = isManifest ? tablePuts.get() : tablePuts.incrementAndGet();
            if (dead.getCount() == 0
                || (crashAfterPuts > 0 && !isManifest && uploads > crashAfterPuts)) {
              dead.countDown();
              return CompletableFuture.failedFuture(
                  new ObjectStoreException("process died", false));
            }
            CompletableFuture<ObjectMeta> result = proceed.get();
            if (crashAfterPuts < 0 && isManifest && uploads > 0) {
              dead.countDown();
            }
            return result;
          });
      try (Compactor doomed =
          Compactor.open(hooked, "db", small().targetTableBytes(4 << 10).build())) {
        assertThat(dead.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(doomed.compactions()).isLessThanOrEqualTo(1);
      }
      try (Compactor next = Compactor.open(base, "db", small().build())) {
        assertThat(next.compactNow(WAIT)).isTrue();
      }
      assertAllReferencedTablesExist();
      check(db, 2000, 0);
    }
    try (Db reopened = Db.open(base, "db", options(small().build()))) {
      check(reopened, 2000, 0);
    }
  }

  /**
   * Outputs upload in parallel; one failing fails the job, whose other uploads stay unreferenced
   * (garbage for GC), and the job is redone from a fresh plan.
   */
  @Test
  void aFailedOutputUploadFailsTheJobWhoseUploadsStayUnreferencedAndItIsRedone() throws Exception {
    try (Db db = Db.open(base, "db", options(CompactionOptions.disabled()))) {
      write(db, 3000, 0);
      db.engine().flushMemtables();
      HookedObjectStore hooked = new HookedObjectStore(base);
      AtomicInteger tablePuts = new AtomicInteger();
      Set<String> uploaded = ConcurrentHashMap.newKeySet();
      hooked.setPutHook(
          (key, data, condition, proceed) -> {
            if (!key.contains("/sst/")) {
              return proceed.get();
            }
            if (tablePuts.incrementAndGet() == 3) {
              return CompletableFuture.failedFuture(new ObjectStoreException("injected", false));
            }
            return proceed
                .get()
                .thenApply(
                    meta -> {
                      uploaded.add(key);
                      return meta;
                    });
          });
      Set<String> published = ConcurrentHashMap.newKeySet();
      DbListener outputs =
          new DbListener() {
            @Override
            public void onCompactionOutputsUploaded(List<String> inputs, List<String> out) {
              out.forEach(id -> published.add("db/sst/" + id + ".sst"));
            }
          };
      CompactionOptions compaction =
          small().targetTableBytes(4 << 10).subcompactions(1).maxUploadsPerPart(3).build();
      try (Compactor compactor =
          Compactor.open(hooked, "db", compaction, SstOptions.defaults(), outputs)) {
        assertThat(compactor.compactNow(WAIT)).isTrue();
        assertThat(compactor.compactions()).isPositive();
      }
      Set<String> failedAttempt = new HashSet<>(uploaded);
      failedAttempt.removeAll(published);
      assertThat(failedAttempt).as("uploads of the failed attempt").isNotEmpty();
      for (String id : referencedTables()) {
        assertThat(failedAttempt).doesNotContain("db/sst/" + id + ".sst");
      }
      assertAllReferencedTablesExist();
      check(db, 3000, 0);
    }
  }

  @Test
  void aSecondCompactorFencesTheFirstAndItsOutputIsNeverReferenced() throws Exception {
    try (Db db = Db.open(base, "db", options(CompactionOptions.disabled()))) {
      write(db, 2000, 0);
      db.flush();
      HookedObjectStore hooked = new HookedObjectStore(base);
      CountDownLatch reached = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      hooked.setPutHook(HookedObjectStore.pauseFirst(k -> k.contains("/sst/"), reached, release));
      try (Compactor first = Compactor.open(hooked, "db", small().build())) {
        assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();
        Set<String> referenced;
        try (Compactor second = Compactor.open(base, "db", small().build())) {
          assertThat(second.epoch()).isGreaterThan(first.epoch());
          assertThat(second.compactNow(WAIT)).isTrue();
          referenced = referencedTables();
        }
        release.countDown();
        assertThatThrownBy(() -> first.compactNow(WAIT)).isInstanceOf(FencedException.class);
        assertThat(first.isFenced()).isTrue();
        assertThat(referencedTables()).isEqualTo(referenced);
      }
      check(db, 2000, 0);
    }
  }

  @Test
  void aWriterWithCompactionElsewhereMovesToTheCompactedTables() throws Exception {
    try (Db db = Db.open(base, "db", options(small().enabled(false).build()))) {
      write(db, 3000, 0);
      db.engine().flushMemtables();
      int l0Before = db.stats().l0Tables();
      assertThat(l0Before).isGreaterThanOrEqualTo(4);
      try (Compactor compactor = Compactor.open(base, "db", small().build())) {
        assertThat(compactor.compactNow(WAIT)).isTrue();
      }
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (db.stats().sortedRuns() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(db.stats().sortedRuns()).as("the writer polled the new manifest").isPositive();
      assertThat(db.stats().l0Tables()).isLessThan(l0Before);
      check(db, 3000, 0);
    }
  }

  @Test
  void aCompactorNeedsAnExistingDatabase() {
    assertThatThrownBy(() -> Compactor.open(base, "nothing", CompactionOptions.defaults()))
        .isInstanceOf(DbNotFoundException.class)
        .hasMessage("no database at path 'nothing': it has no manifest");
  }

  private long compactedSizeOfLatestValues(int round) throws Exception {
    try (Db fresh = Db.open(base, "reference", options(CompactionOptions.disabled()))) {
      write(fresh, 500, round);
      fresh.engine().flushMemtables();
      return fresh.stats().tableBytes();
    }
  }

  private static void flushAndCompact(Db db) throws Exception {
    db.engine().flushMemtables();
    assertThat(db.awaitCompactions(WAIT)).isTrue();
  }

  /** Puts and deletes {@code key} in a table of its own, so that L0 reaches the trigger. */
  private static void flushAndCompact(Db db, String key) throws Exception {
    db.put(b(key), b("1"), WriteOptions.noWait());
    db.delete(b(key), WriteOptions.noWait());
    flushAndCompact(db);
  }

  private void assertAllReferencedTablesExist() {
    Set<String> existing = new HashSet<>();
    for (ObjectMeta m : Futures.join(base.list("db/sst/"))) {
      existing.add(m.key());
    }
    for (String id : referencedTables()) {
      assertThat(existing).contains("db/sst/" + id + ".sst");
    }
  }

  private Set<String> referencedTables() {
    ManifestState state = new ManifestStore(base, "db").readLatest().orElseThrow().state();
    return state.tableIds();
  }

  private static void write(Db db, int keys, int round) {
    for (int k = 0; k < keys; k++) {
      db.put(key(k), value(round, k), WriteOptions.noWait());
    }
  }

  private static void check(Db db, int keys, int round) {
    for (int k = 0; k < keys; k++) {
      assertThat(db.get(key(k))).as("key %d", k).isEqualTo(value(round, k));
    }
    int count = 0;
    try (DbIterator it = db.scan(null, null)) {
      while (it.hasNext()) {
        it.next();
        count++;
      }
    }
    assertThat(count).as("no duplicates, nothing missing").isEqualTo(keys);
  }

  static byte[] key(int k) {
    return b(String.format("key%06d", k));
  }

  static byte[] value(int round, int k) {
    byte[] v = new byte[100];
    String tag = round + ":" + k + ":";
    byte[] t = b(tag);
    for (int i = 0; i < v.length; i++) {
      v[i] = t[i % t.length];
    }
    return v;
  }
}
