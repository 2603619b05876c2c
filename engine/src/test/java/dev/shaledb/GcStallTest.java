package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.table.TableKeys;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's two interleavings: a flush and a compaction stall between uploading their tables and
 * publishing them, for longer than garbage collection's {@code minAge} (the store clock jumps), and
 * a standalone collector runs in between. Before the table floor, the collector deleted the uploads
 * and the publish then listed missing tables: the flush lost acknowledged writes, the compaction
 * failed forever. Now the collector condemns the uploads through the manifest, the publish is
 * refused, and the uploader uploads again.
 */
class GcStallTest {
  private static final Duration MIN_AGE = Duration.ofMinutes(10);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryObjectStore store = new InMemoryObjectStore(clock);

  private static GcOptions gc() {
    return GcOptions.builder().minAge(MIN_AGE).interval(Duration.ZERO).build();
  }

  private static DbOptions options(DbListener listener, boolean compaction) {
    return DbOptions.builder()
        .tableOptions(SstOptions.defaults().withBlockSize(1024))
        .compaction(
            CompactionOptions.builder()
                .enabled(compaction)
                .l0Trigger(2)
                .targetTableBytes(16 << 10)
                .build())
        .gc(gc())
        .listener(listener)
        .build();
  }

  /** The stall: the store's clock passes minAge, and a collector in another process runs. */
  private GcResult stallPastMinAgeWhileGcRuns() {
    clock.advance(MIN_AGE.plusMinutes(1));
    try (GarbageCollector collector = GarbageCollector.open(store, "db", gc())) {
      return collector.run();
    }
  }

  /**
   * The writer's store: after the first L0 table upload, the next manifest put (the flush's
   * publish) stalls past minAge while a collector runs, then goes on.
   */
  private final class StallBeforePublish extends ForwardingObjectStore {
    private boolean uploaded;
    private boolean stalled;
    GcResult stall;

    StallBeforePublish() {
      super(store);
    }

    @Override
    public synchronized CompletableFuture<ObjectMeta> put(
        String key, ByteBuffer data, PutCondition condition) {
      if (key.startsWith("db/sst/")) {
        uploaded = true;
      } else if (uploaded && !stalled && key.startsWith("db/manifest/")) {
        stalled = true;
        stall = stallPastMinAgeWhileGcRuns();
      }
      return super.put(key, data, condition);
    }
  }

  @Test
  void aFlushStalledInItsStoreBeforeThePublishLosesNothing() {
    StallBeforePublish stalling = new StallBeforePublish();
    try (Db db = Db.open(stalling, "db", options(DbListener.NONE, false))) {
      for (int i = 0; i < 100; i++) {
        db.put(b("k" + i), b("v" + i)); // durable: acknowledged
      }
      db.engine().flushMemtables();
      assertThat(stalling.stall).isNotNull();
      assertThat(stalling.stall.tablesDeleted()).as("the stalled upload was garbage").isEqualTo(1);
      for (int i = 0; i < 100; i++) {
        assertThat(db.get(b("k" + i))).isEqualTo(b("v" + i));
      }
    }
    stallPastMinAgeWhileGcRuns(); // the WAL below the published anchor goes
    for (String id : latest().tableIds()) {
      assertThat(exists(id)).as("referenced table %s", id).isTrue();
    }
    try (Db reopened = Db.open(store, "db", options(DbListener.NONE, false))) {
      for (int i = 0; i < 100; i++) {
        assertThat(reopened.get(b("k" + i))).as("k%d", i).isEqualTo(b("v" + i));
      }
    }
  }

  @Test
  void aFlushStalledBetweenUploadAndPublishIsCondemnedAndUploadedAgain() {
    List<String> uploads = Collections.synchronizedList(new ArrayList<>());
    List<GcResult> stalls = new ArrayList<>();
    DbListener stallOnce =
        new DbListener() {
          @Override
          public void onFlushUploaded(String tableId) {
            uploads.add(tableId);
            if (uploads.size() == 1) {
              stalls.add(stallPastMinAgeWhileGcRuns());
            }
          }
        };
    try (Db db = Db.open(store, "db", options(stallOnce, false))) {
      for (int i = 0; i < 100; i++) {
        db.put(b("k" + i), b("v" + i)); // durable: acknowledged
      }
      db.engine().flushMemtables();
      assertThat(stalls).hasSize(1);
      assertThat(stalls.get(0).tablesDeleted()).as("the stalled upload was garbage").isEqualTo(1);
      assertThat(uploads).as("uploaded again after the refusal").hasSize(2);
      assertThat(exists(uploads.get(0))).isFalse();
      ManifestState state = latest();
      assertThat(state.l0()).extracting(t -> t.id()).containsExactly(uploads.get(1));
      assertThat(state.isBelowFloor(uploads.get(0))).isTrue();
      assertThat(state.isBelowFloor(uploads.get(1))).isFalse();
      for (int i = 0; i < 100; i++) {
        assertThat(db.get(b("k" + i))).isEqualTo(b("v" + i));
      }
    }
    // The WAL below the new anchor goes, and every acknowledged write is in a table that exists.
    stallPastMinAgeWhileGcRuns();
    for (String id : latest().tableIds()) {
      assertThat(exists(id)).as("referenced table %s", id).isTrue();
    }
    try (Db reopened = Db.open(store, "db", options(DbListener.NONE, false))) {
      for (int i = 0; i < 100; i++) {
        assertThat(reopened.get(b("k" + i))).as("k%d", i).isEqualTo(b("v" + i));
      }
    }
  }

  @Test
  void aCompactionStalledBeforeItsPublishIsCondemnedAndRedone() throws Exception {
    AtomicInteger jobs = new AtomicInteger();
    List<List<String>> outputs = Collections.synchronizedList(new ArrayList<>());
    DbListener stallOnce =
        new DbListener() {
          @Override
          public void onCompactionOutputsUploaded(List<String> inputs, List<String> out) {
            outputs.add(out);
            if (jobs.incrementAndGet() == 1) {
              stallPastMinAgeWhileGcRuns();
            }
          }
        };
    try (Db db = Db.open(store, "db", options(stallOnce, true))) {
      writeTwoTables(db);
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      assertThat(jobs.get()).as("the condemned job ran again").isGreaterThanOrEqualTo(2);
      assertThat(db.stats().compactions()).isEqualTo(1);
      for (String id : outputs.get(0)) {
        assertThat(exists(id)).as("condemned output %s", id).isFalse();
      }
      for (String id : latest().tableIds()) {
        assertThat(exists(id)).as("referenced table %s", id).isTrue();
      }
      checkTwoTables(db);
    }
    try (Db reopened = Db.open(store, "db", options(DbListener.NONE, true))) {
      checkTwoTables(reopened);
    }
  }

  // Before: the retried flush uploaded a second table and listed both (a duplicate L0 table).
  @Test
  void aFlushPublishThatLandedButReportedAFailureIsNotPublishedTwice() {
    ForwardingObjectStore landsThenFails =
        new ForwardingObjectStore(store) {
          private boolean uploaded;
          private boolean failed;

          @Override
          public synchronized CompletableFuture<ObjectMeta> put(
              String key, ByteBuffer data, PutCondition condition) {
            if (key.startsWith("db/sst/")) {
              uploaded = true;
            } else if (uploaded && !failed && key.startsWith("db/manifest/")) {
              failed = true;
              Futures.join(super.put(key, data, condition)); // applied...
              return CompletableFuture.failedFuture( // ...but reported as a plain failure
                  new dev.shaledb.objectstore.ObjectStoreException("fsync failed", false));
            }
            return super.put(key, data, condition);
          }
        };
    try (Db db = Db.open(landsThenFails, "db", options(DbListener.NONE, false))) {
      for (int i = 0; i < 10; i++) {
        db.put(b("k" + i), b("v" + i));
      }
      try {
        db.engine().flushMemtables();
      } catch (dev.shaledb.objectstore.ObjectStoreException reported) {
        // This thread's flush saw the reported failure (else a background flush did): retry.
        assertThat(reported).hasMessage("fsync failed");
        db.engine().flushMemtables();
      }
      assertThat(latest().l0()).as("one table for one memtable").hasSize(1);
      for (int i = 0; i < 10; i++) {
        assertThat(db.get(b("k" + i))).isEqualTo(b("v" + i));
      }
    }
  }

  /** Two L0 tables of 1,000 keys each, overlapping by half; at the trigger, compaction starts. */
  static void writeTwoTables(Db db) {
    for (int k = 0; k < 1000; k++) {
      db.put(CompactionTest.key(k), CompactionTest.value(1, k), WriteOptions.noWait());
    }
    db.engine().flushMemtables();
    for (int k = 500; k < 1500; k++) {
      db.put(CompactionTest.key(k), CompactionTest.value(2, k), WriteOptions.noWait());
    }
    db.engine().flushMemtables();
  }

  static void checkTwoTables(Db db) {
    for (int k = 0; k < 1500; k += 7) {
      assertThat(db.get(CompactionTest.key(k)))
          .as("key %d", k)
          .isEqualTo(CompactionTest.value(k < 500 ? 1 : 2, k));
    }
  }

  private ManifestState latest() {
    return new ManifestStore(store, "db").readLatest().orElseThrow().state();
  }

  private boolean exists(String tableId) {
    return exists(store, TableKeys.key("db", tableId));
  }

  static boolean exists(ObjectStore store, String key) {
    try {
      Futures.join(store.head(key));
      return true;
    } catch (ObjectNotFoundException e) {
      return false;
    }
  }
}
