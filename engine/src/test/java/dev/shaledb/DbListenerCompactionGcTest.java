package dev.shaledb;

import static dev.shaledb.DbListenerTest.closeDead;
import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.DbListenerTest.InjectedCrash;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.table.TableKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link DbListener} in compaction and garbage collection: a process that dies after a compaction
 * uploaded its outputs but before publishing them, or between two GC deletes, leaves a database
 * whose next process reads everything and finishes the job.
 */
class DbListenerCompactionGcTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryObjectStore base = new InMemoryObjectStore(clock);

  /** Compaction at two L0 tables into several outputs; GC only on demand. */
  private static DbOptions options(DbListener listener) {
    return DbOptions.builder()
        .tableOptions(SstOptions.defaults().withBlockSize(1024))
        .compaction(CompactionOptions.builder().l0Trigger(2).targetTableBytes(16 << 10).build())
        .gc(GcOptions.builder().minAge(Duration.ofMinutes(10)).interval(Duration.ZERO).build())
        .listener(listener)
        .build();
  }

  @Test
  void aCrashAfterCompactionOutputsAreUploadedPublishesNothingAndTheNextProcessCompacts()
      throws Exception {
    CrashableStore store = new CrashableStore(base);
    CompletableFuture<List<List<String>>> job = new CompletableFuture<>();
    DbListener crashing =
        new DbListener() {
          @Override
          public void onCompactionOutputsUploaded(List<String> inputs, List<String> outputs) {
            store.crash();
            job.complete(List.of(inputs, outputs));
            throw new InjectedCrash("with compaction outputs uploaded");
          }
        };
    Db db = Db.open(store, "db", options(crashing));
    GcStallTest.writeTwoTables(db);
    List<List<String>> io = job.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    closeDead(db);
    List<String> inputs = io.get(0);
    List<String> outputs = io.get(1);
    assertThat(inputs).hasSize(2);
    assertThat(outputs).as("100 KB at 16 KB a table").hasSizeGreaterThan(1);
    Set<String> referenced = referencedTables(base);
    assertThat(referenced).containsAll(inputs);
    for (String id : outputs) {
      assertThat(referenced).as("an unpublished output").doesNotContain(id);
      assertThat(exists(base, id)).as("uploaded before the hook").isTrue();
    }

    List<Long> published = Collections.synchronizedList(new ArrayList<>());
    DbListener recording =
        new DbListener() {
          @Override
          public void onCompactionPublished(long manifestId) {
            published.add(manifestId);
          }
        };
    try (Db reopened = Db.open(base, "db", options(recording))) {
      GcStallTest.checkTwoTables(reopened);
      assertThat(reopened.awaitCompactions(WAIT)).isTrue();
      assertThat(reopened.stats().compactions()).isEqualTo(1);
      assertThat(published).hasSize(1);
      GcStallTest.checkTwoTables(reopened);
    }
    Set<String> after = referencedTables(base);
    assertThat(after).doesNotContainAnyElementsOf(inputs).doesNotContainAnyElementsOf(outputs);
    // The abandoned outputs are plain garbage.
    GcOptions now = GcOptions.builder().minAge(Duration.ZERO).interval(Duration.ZERO).build();
    clock.advance(Duration.ofSeconds(1));
    try (GarbageCollector gc = GarbageCollector.open(base, "db", now)) {
      gc.run();
    }
    for (String id : outputs) {
      assertThat(exists(base, id)).isFalse();
    }
    try (Db last = Db.open(base, "db", options(DbListener.NONE))) {
      GcStallTest.checkTwoTables(last);
    }
  }

  @Test
  void aCompactionWhoseListenerThrowsIsRetriedAndPublishedOnce() throws Exception {
    AtomicInteger uploaded = new AtomicInteger();
    List<Long> published = Collections.synchronizedList(new ArrayList<>());
    DbListener throwsOnce =
        new DbListener() {
          @Override
          public void onCompactionOutputsUploaded(List<String> inputs, List<String> outputs) {
            if (uploaded.incrementAndGet() == 1) {
              throw new InjectedCrash("once");
            }
          }

          @Override
          public void onCompactionPublished(long manifestId) {
            published.add(manifestId);
          }
        };
    try (Db db = Db.open(base, "db", options(throwsOnce))) {
      GcStallTest.writeTwoTables(db);
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      assertThat(uploaded.get()).as("the failed job ran again").isEqualTo(2);
      assertThat(db.stats().compactions()).isEqualTo(1);
      long latest = new ManifestStore(base, "db").readLatest().orElseThrow().id();
      assertThat(published).containsExactly(latest);
      assertThat(db.stats().l0Tables()).isZero();
      GcStallTest.checkTwoTables(db);
    }
  }

  @Test
  void aCrashBetweenGcDeletesLeavesTheRestToTheNextRun() {
    for (int round = 0; round < 3; round++) {
      try (Db db = Db.open(base, "db", options(DbListener.NONE))) {
        for (int i = 0; i < 5; i++) {
          db.put(b("k" + round + i), b("v" + i));
        }
      } // close flushes a table; this round's WAL objects fall below the anchor
    }
    CrashableStore store = new CrashableStore(base);
    List<String> keys = new ArrayList<>();
    DbListener crashing =
        new DbListener() {
          @Override
          public void beforeGcDelete(String key) {
            keys.add(key);
            if (keys.size() == 2) {
              store.crash();
              throw new InjectedCrash("before deleting " + key);
            }
          }
        };
    Db db = Db.open(store, "db", options(crashing));
    clock.advance(Duration.ofMinutes(11));
    assertThatThrownBy(db::collectGarbage).isInstanceOf(InjectedCrash.class);
    closeDead(db);
    assertThat(keys).hasSize(2);
    assertThat(existsKey(base, keys.get(0))).as("deleted before the crash").isFalse();
    assertThat(existsKey(base, keys.get(1))).as("never deleted").isTrue();

    List<String> next = new ArrayList<>();
    DbListener recording =
        new DbListener() {
          @Override
          public void beforeGcDelete(String key) {
            next.add(key);
          }
        };
    try (Db reopened = Db.open(base, "db", options(recording))) {
      clock.advance(Duration.ofMinutes(11));
      GcResult result = reopened.collectGarbage();
      assertThat(next).contains(keys.get(1)).doesNotContain(keys.get(0));
      assertThat(result.walObjectsDeleted() + result.tablesDeleted()).isEqualTo(next.size());
      assertThat(existsKey(base, keys.get(1))).isFalse();
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 5; i++) {
          assertThat(reopened.get(b("k" + round + i))).isEqualTo(b("v" + i));
        }
      }
    }
  }

  private static Set<String> referencedTables(ObjectStore store) {
    return new ManifestStore(store, "db").readLatest().orElseThrow().state().tableIds();
  }

  private static boolean exists(ObjectStore store, String tableId) {
    return existsKey(store, TableKeys.key("db", tableId));
  }

  private static boolean existsKey(ObjectStore store, String key) {
    try {
      Futures.join(store.head(key));
      return true;
    } catch (dev.shaledb.objectstore.ObjectNotFoundException e) {
      return false;
    }
  }
}
