package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CheckpointNotFoundException;
import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.FencedException;
import dev.shaledb.error.SnapshotTooOldException;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.sst.SstOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 23: what readers may trust while compaction, garbage collection and fencing move under
 * them. Each test failed on the code before the fix (noted per test).
 */
class LifetimeTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryObjectStore store = new InMemoryObjectStore(clock);

  private static DbOptions options(boolean compaction) {
    return DbOptions.builder()
        .tableOptions(SstOptions.defaults().withBlockSize(1024))
        .compaction(
            CompactionOptions.builder()
                .enabled(compaction)
                .l0Trigger(2)
                .targetTableBytes(16 << 10)
                .pollInterval(Duration.ofMillis(50))
                .build())
        .gc(GcOptions.builder().minAge(Duration.ofMinutes(10)).interval(Duration.ZERO).build())
        .build();
  }

  /** Runs a collector after the store's clock passed minAge: everything superseded may go. */
  private GcResult collectPastMinAge() {
    clock.advance(Duration.ofMinutes(11));
    try (GarbageCollector gc =
        GarbageCollector.open(
            store,
            "db",
            GcOptions.builder().minAge(Duration.ofMinutes(10)).interval(Duration.ZERO).build())) {
      return gc.run();
    }
  }

  /** Overwrites all 1,500 keys (round 3) and compacts, so the earlier tables are replaced. */
  private static void overwriteAndCompact(Db db) throws InterruptedException {
    for (int k = 0; k < 1500; k++) {
      db.put(CompactionTest.key(k), CompactionTest.value(3, k), WriteOptions.noWait());
    }
    db.engine().flushMemtables();
    db.put(CompactionTest.key(0), CompactionTest.value(4, 0), WriteOptions.noWait());
    db.engine().flushMemtables();
    assertThat(db.awaitCompactions(WAIT)).isTrue();
  }

  // Before: the next() after compaction + GC threw the raw ObjectNotFoundException.
  @Test
  void anOpenIteratorReadsToItsEndWithTheDataItStartedWithAcrossCompactionAndGc() throws Exception {
    try (Db db = Db.open(store, "db", options(true))) {
      GcStallTest.writeTwoTables(db);
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      List<KeyValue> seen = new ArrayList<>();
      try (DbIterator it = db.scan(null, null);
          Snapshot snap = db.snapshot();
          DbIterator underSnapshot =
              db.scan(null, null, ReadOptions.defaults().withSnapshot(snap))) {
        seen.add(it.next());
        underSnapshot.next();
        // Overwrite everything, compact the old tables away and collect them.
        overwriteAndCompact(db);
        assertThat(collectPastMinAge().tablesDeleted()).as("the iterators' tables").isPositive();
        while (it.hasNext()) {
          seen.add(it.next());
        }
        int n = 1;
        while (underSnapshot.hasNext()) {
          KeyValue kv = underSnapshot.next();
          assertThat(kv.value()).isEqualTo(CompactionTest.value(n < 500 ? 1 : 2, n));
          n++;
        }
        assertThat(n).isEqualTo(1500);
      }
      assertThat(seen).hasSize(1500);
      for (int k = 0; k < 1500; k++) {
        assertThat(seen.get(k).value()).isEqualTo(CompactionTest.value(k < 500 ? 1 : 2, k));
      }
    }
  }

  // Issue 17 item 5: a reverse scan resumes on the latest tables, downwards, just below its last
  // key.
  @Test
  void aReverseIteratorReadsToItsStartWithTheDataItStartedWithAcrossCompactionAndGc()
      throws Exception {
    try (Db db = Db.open(store, "db", options(true))) {
      GcStallTest.writeTwoTables(db);
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      try (DbIterator it = db.scanReverse(null, null)) {
        assertThat(it.next().key()).isEqualTo(CompactionTest.key(1499));
        overwriteAndCompact(db);
        assertThat(collectPastMinAge().tablesDeleted()).as("the iterator's tables").isPositive();
        int k = 1498;
        while (it.hasNext()) {
          KeyValue kv = it.next();
          assertThat(kv.key()).isEqualTo(CompactionTest.key(k));
          assertThat(kv.value()).isEqualTo(CompactionTest.value(k < 500 ? 1 : 2, k));
          k--;
        }
        assertThat(k).as("every key down to the first").isEqualTo(-1);
      }
    }
  }

  // Issue 17 item 5: a seek issued after the tables were collected is replayed by the resume, in
  // either direction, and the iterator goes on from there (fails if the resume forgot the seek:
  // it would restart at the range's bound).
  @Test
  void aSeekAfterItsTablesWereCollectedResumesAtTheSeekInEitherDirection() throws Exception {
    try (Db db = Db.open(store, "db", options(true))) {
      GcStallTest.writeTwoTables(db);
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      try (DbIterator forward = db.scan(null, null);
          DbIterator reverse = db.scanReverse(null, null)) {
        forward.next();
        reverse.next();
        overwriteAndCompact(db);
        assertThat(collectPastMinAge().tablesDeleted()).isPositive();
        forward.seek(CompactionTest.key(700));
        reverse.seek(CompactionTest.key(700));
        for (int i = 0; i < 3; i++) {
          KeyValue up = forward.next();
          KeyValue down = reverse.next();
          assertThat(up.key()).isEqualTo(CompactionTest.key(700 + i));
          assertThat(up.value()).isEqualTo(CompactionTest.value(2, 700 + i));
          assertThat(down.key()).isEqualTo(CompactionTest.key(700 - i));
          assertThat(down.value()).isEqualTo(CompactionTest.value(2, 700 - i));
        }
        // Seeking again, backwards and to the ends, keeps reading the old state.
        forward.seek(CompactionTest.key(10));
        assertThat(forward.next().value()).isEqualTo(CompactionTest.value(1, 10));
        reverse.seekToFirst();
        assertThat(reverse.next().value()).isEqualTo(CompactionTest.value(1, 0));
        assertThat(reverse.hasNext()).as("nothing below the first key").isFalse();
        forward.seekToLast();
        assertThat(forward.next().value()).isEqualTo(CompactionTest.value(2, 1499));
        assertThat(forward.hasNext()).as("nothing above the last key").isFalse();
      }
    }
  }

  // Before: the DbReader's iterator threw the raw ObjectNotFoundException.
  @Test
  void aReaderIteratorWhoseTablesWereCollectedFailsWithADocumentedError() throws Exception {
    try (Db db = Db.open(store, "db", options(true))) {
      GcStallTest.writeTwoTables(db);
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      try (DbReader reader =
              DbReader.open(
                  store, "db", DbReaderOptions.builder().pollInterval(Duration.ZERO).build());
          DbIterator it = reader.scan(null, null)) {
        it.next();
        overwriteAndCompact(db);
        collectPastMinAge();
        assertThatThrownBy(
                () -> {
                  while (it.hasNext()) {
                    it.next();
                  }
                })
            .isInstanceOf(SnapshotTooOldException.class)
            .hasMessageContaining("db/sst/");
        // A refreshed reader reads the compacted tables.
        reader.refresh();
        assertThat(reader.get(CompactionTest.key(7))).isEqualTo(CompactionTest.value(3, 7));
      }
    }
  }

  // Before: the checkpoint reader threw the raw ObjectNotFoundException.
  @Test
  void aReaderOfACheckpointThatWasDeletedAndCollectedSaysSo() {
    Checkpoint cp;
    try (Db db = Db.open(store, "db", options(true))) {
      GcStallTest.writeTwoTables(db);
      cp = db.createCheckpoint("before", null);
      try (DbReader reader =
          DbReader.open(
              store,
              "db",
              DbReaderOptions.builder().checkpoint(cp.id()).blockCacheBytes(0).build())) {
        assertThat(reader.get(CompactionTest.key(7))).isEqualTo(CompactionTest.value(1, 7));
        db.deleteCheckpoint(cp.id());
        for (int k = 0; k < 1500; k++) {
          db.put(CompactionTest.key(k), CompactionTest.value(3, k), WriteOptions.noWait());
        }
        db.engine().flushMemtables();
        try {
          assertThat(db.awaitCompactions(WAIT)).isTrue();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        collectPastMinAge();
        assertThatThrownBy(() -> reader.get(CompactionTest.key(8)))
            .isInstanceOf(CheckpointNotFoundException.class)
            .hasMessageContaining(cp.id().toString());
      }
    }
  }

  // Before: first.get returned v2, a write first was told had failed.
  @Test
  void aWriteThatFailedWithAFenceIsNotVisibleToTheFencedDb() {
    // Compaction in the process: the Db does not poll the manifest, so it learns of the fence only
    // from the write's own WAL put, after the write is in the memtable.
    Db first = Db.open(store, "db", options(true));
    first.put(b("k"), b("v1"));
    // As if from another process (in this one a second open would be refused).
    DbOptions otherProcess = options(false).toBuilder().allowInProcessTakeover(true).build();
    try (Db second = Db.open(store, "db", otherProcess)) {
      assertThatThrownBy(() -> first.put(b("k"), b("v2"))).isInstanceOf(FencedException.class);
      assertThat(first.get(b("k"))).isEqualTo(b("v1"));
      assertThat(second.get(b("k"))).isEqualTo(b("v1"));
      try (DbIterator it = first.scan(null, null)) {
        assertThat(it.next().value()).isEqualTo(b("v1"));
      }
    } finally {
      first.close();
    }
  }

  // Before (seed 20262084, bank): reads through one snapshot straddled the fence. The first saw the
  // unacknowledged write, the next did not, and an audit summed half a transfer.
  @Test
  void seed20262084_aSnapshotThatSawAWriteWhichThenFailedRefusesToReadRatherThanChangeItsAnswer()
      throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    AtomicBoolean holdWal = new AtomicBoolean();
    ForwardingObjectStore held =
        new ForwardingObjectStore(store) {
          @Override
          public CompletableFuture<ObjectMeta> put(
              String key, ByteBuffer data, PutCondition condition) {
            if (holdWal.get() && key.startsWith("db/wal/")) {
              return gate.thenCompose(x -> super.put(key, data, condition));
            }
            return super.put(key, data, condition);
          }
        };
    Db first = Db.open(held, "db", options(true));
    first.put(b("k"), b("v1"));
    holdWal.set(true);
    CompletableFuture<Void> v2 =
        first.writeAsync(new WriteBatch().put(b("k"), b("v2"))); // visible, its WAL put is held
    try (Snapshot snapshot = first.snapshot()) {
      ReadOptions at = ReadOptions.defaults().withSnapshot(snapshot);
      assertThat(first.get(b("k"), at)).isEqualTo(b("v2"));
      try (Db second = Db.open(store, "db", options(false))) {
        gate.complete(null); // v2's WAL put now meets the new writer's fence
        assertThatThrownBy(v2::join).hasCauseInstanceOf(FencedException.class);
        assertThatThrownBy(() -> first.get(b("k"), at)).isInstanceOf(FencedException.class);
        assertThatThrownBy(() -> first.scan(null, null, at)).isInstanceOf(FencedException.class);
        assertThat(first.get(b("k"))).as("reads without the snapshot").isEqualTo(b("v1"));
        assertThat(second.get(b("k"))).isEqualTo(b("v1"));
      }
    } finally {
      first.close();
    }
  }

  // Before: the idle writer kept reading its old tables and threw ObjectNotFoundException.
  @Test
  void anIdleWriterFollowsAStandaloneCompactorThatFencedItsOwn() throws Exception {
    try (Db db = Db.open(store, "db", options(true))) {
      fenceByAStandaloneCompactorAndCollect(db);
      for (int k = 0; k < 1500; k += 7) {
        assertThat(db.get(CompactionTest.key(k))).isEqualTo(CompactionTest.value(3, k));
      }
    }
  }

  /** As above, for multiGet: its first call meets the collected tables and retries on new ones. */
  @Test
  void anIdleWritersMultiGetFollowsAStandaloneCompactorThatFencedItsOwn() throws Exception {
    try (Db db = Db.open(store, "db", options(true))) {
      fenceByAStandaloneCompactorAndCollect(db);
      List<byte[]> keys = new ArrayList<>();
      List<byte[]> expected = new ArrayList<>();
      for (int k = 0; k < 1500; k += 7) {
        keys.add(CompactionTest.key(k));
        expected.add(CompactionTest.value(3, k));
      }
      assertThat(db.multiGet(keys)).containsExactlyElementsOf(expected);
    }
  }

  /**
   * Overwrites every key (round 3), lets a standalone compactor fence the idle one in {@code db}
   * and replace all its tables, then collects them: {@code db}'s view lists only deleted tables.
   */
  private void fenceByAStandaloneCompactorAndCollect(Db db) throws Exception {
    GcStallTest.writeTwoTables(db);
    assertThat(db.awaitCompactions(WAIT)).isTrue();
    for (int k = 0; k < 1500; k++) {
      db.put(CompactionTest.key(k), CompactionTest.value(3, k), WriteOptions.noWait());
    }
    db.engine().flushMemtables();
    db.put(CompactionTest.key(0), CompactionTest.value(3, 0), WriteOptions.noWait());
    db.engine().flushMemtables();
    try (Compactor standalone =
        Compactor.open(
            store,
            "db",
            CompactionOptions.builder()
                .l0Trigger(2)
                .targetTableBytes(16 << 10)
                .pollInterval(Duration.ofMillis(50))
                .build())) {
      // Two more L0 tables once the standalone has fenced the Db's compactor: before, the Db's
      // compactor could take one of the two above first, leaving one table below the trigger, and
      // the wait below timed out (CI, 2026-12-04).
      for (int k = 0; k < 2; k++) {
        db.put(CompactionTest.key(k), CompactionTest.value(3, k), WriteOptions.noWait());
        db.engine().flushMemtables();
      }
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (new dev.shaledb.manifest.ManifestStore(store, "db")
              .readLatest()
              .orElseThrow()
              .state()
              .l0()
              .size()
          > 0) {
        assertThat(System.nanoTime()).as("standalone compaction").isLessThan(deadline);
        assertThat(standalone).isNotNull();
        Thread.sleep(20);
      }
    }
    collectPastMinAge();
  }

  // Before: the collected anchor was reported to DbListener.onCorruptionDetected.
  @Test
  void aReaderWhoseReplayAnchorIsCollectedMidRefreshCatchesUpWithoutReportingCorruption() {
    List<CorruptObjectException> reported = new ArrayList<>();
    DbListener listener =
        new DbListener() {
          @Override
          public void onCorruptionDetected(CorruptObjectException e) {
            reported.add(e);
          }
        };
    try (Db db = Db.open(store, "db", options(false))) {
      db.put(b("a"), b("1"));
      db.engine().flushMemtables();
      db.put(b("b"), b("2"));
      AtomicInteger walGets = new AtomicInteger(-1); // armed at 0
      ForwardingObjectStore readerStore =
          new ForwardingObjectStore(store) {
            @Override
            public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
              if (key.startsWith("db/wal/")
                  && walGets.get() >= 0
                  && walGets.incrementAndGet() == 2) {
                // The reader found a new WAL object and now reads the one it replays from: the
                // writer flushes meanwhile and a collector deletes the WAL below the new anchor.
                for (int i = 0; i < 3; i++) {
                  db.put(b("c" + i), b("3"));
                  db.engine().flushMemtables();
                }
                collectPastMinAge();
              }
              return super.get(key, range);
            }
          };
      try (DbReader reader =
          DbReader.open(
              readerStore,
              "db",
              DbReaderOptions.builder().pollInterval(Duration.ZERO).listener(listener).build())) {
        assertThat(reader.get(b("b"))).isEqualTo(b("2"));
        db.put(b("d"), b("4")); // a WAL object after the reader's position
        walGets.set(0);
        reader.refresh();
        assertThat(walGets.get()).as("the collection ran mid-refresh").isGreaterThanOrEqualTo(2);
        assertThat(reader.get(b("c2"))).isEqualTo(b("3"));
        assertThat(reader.get(b("d"))).isEqualTo(b("4"));
        assertThat(reported).isEmpty();
      }
    }
  }

  // Found by the chaos harness's stall class (seeds 777011, 777021, 777035, …): a scan whose tables
  // were collected before it returned anything resumed from the start of the key space.
  @Test
  void seed777011_aScanCollectedBeforeItsFirstEntryResumesAtItsOwnStartBound() throws Exception {
    try (Db db = Db.open(store, "db", options(true))) {
      GcStallTest.writeTwoTables(db);
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      byte[] from = CompactionTest.key(50);
      byte[] to = CompactionTest.key(60);
      try (DbIterator it = db.scan(from, to)) {
        overwriteAndCompact(db);
        assertThat(collectPastMinAge().tablesDeleted()).isPositive();
        List<KeyValue> seen = new ArrayList<>();
        it.forEachRemaining(seen::add);
        assertThat(seen).hasSize(10);
        for (int i = 0; i < 10; i++) {
          assertThat(seen.get(i).key()).isEqualTo(CompactionTest.key(50 + i));
          assertThat(seen.get(i).value()).isEqualTo(CompactionTest.value(1, 50 + i));
        }
      }
    }
  }

  // Found by the chaos harness's stall class (seeds 777023, 777027, …): a reader that stalled
  // between its manifest read and its first WAL probe, while the writer flushed and a collector
  // deleted the WAL below the new anchor, took the missing WAL object for "nothing new" and showed
  // a value whose delete was acknowledged before it opened.
  @Test
  void seed777023_aReaderThatStallsBeforeItsFirstWalProbeMissesNoAcknowledgedWrite() {
    try (Db db = Db.open(store, "db", options(false))) {
      db.put(b("k"), b("v1"));
      db.engine().flushMemtables();
      db.delete(b("k")); // acknowledged: durable in the WAL
      AtomicInteger walGets = new AtomicInteger();
      ForwardingObjectStore stallsBeforeItsWalProbe =
          new ForwardingObjectStore(store) {
            @Override
            public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
              if (key.startsWith("db/wal/") && walGets.incrementAndGet() == 1) {
                db.put(
                    b("other"), b("x")); // a later WAL object, so the anchor can pass the delete's
                db.engine().flushMemtables(); // the delete moves into a table, the anchor past it
                collectPastMinAge(); // and the WAL object holding it is deleted
              }
              return super.get(key, range);
            }
          };
      try (DbReader reader =
          DbReader.open(
              stallsBeforeItsWalProbe,
              "db",
              DbReaderOptions.builder().pollInterval(Duration.ZERO).build())) {
        assertThat(walGets.get()).as("the stall happened").isPositive();
        assertThat(reader.get(b("k"))).isNull();
        assertThat(reader.get(b("other"))).isEqualTo(b("x"));
      }
    }
  }
}
