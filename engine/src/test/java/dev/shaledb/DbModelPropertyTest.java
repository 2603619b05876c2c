package dev.shaledb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.LocalFileObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.s3.DirectoryBucketBlobStore;
import dev.shaledb.objectstore.s3.S3ObjectStore;
import dev.shaledb.objectstore.s3.S3TestServer;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.testing.Seeds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random operations against a {@code TreeMap} model, with a tiny memtable and tiny blocks so that
 * flushes, many L0 tables and multi-block tables happen within a few hundred operations. Crashes
 * abandon the database without closing it (after making the WAL durable) and reopen on the same
 * store, so recovery replays the WAL on top of the tables.
 */
class DbModelPropertyTest {
  private static final int RUNS = Boolean.getBoolean("shaledb.long") ? 200 : 12;
  private static final int STEPS = 400;

  @Test
  void inMemoryStore() {
    Seeds.Gen gen = Seeds.gen("DbModelPropertyTest.inMemoryStore");
    for (int run = 0; run < RUNS; run++) {
      runHistory(gen, new InMemoryObjectStore(), PRECISE_CLOCK);
    }
  }

  @Test
  void localFileStore(@TempDir Path dir) {
    Seeds.Gen gen = Seeds.gen("DbModelPropertyTest.localFileStore");
    for (int run = 0; run < RUNS / 3; run++) {
      try (LocalFileObjectStore store = new LocalFileObjectStore(dir.resolve("run" + run))) {
        runHistory(gen, store, PRECISE_CLOCK);
      }
    }
  }

  /**
   * Histories on an S3 Express One Zone directory bucket as AWS documents its listings: unordered,
   * no StartAfter, prefixes ending in '/' ({@link DirectoryBucketBlobStore} behind S3Proxy). WAL
   * fence placement, recovery, the manifest sweep and GC list the store; the S3 store must restore
   * the sorted, startAfter contract for all of them.
   */
  @Test
  void s3DirectoryBucket() {
    Seeds.Gen gen = Seeds.gen("DbModelPropertyTest.s3DirectoryBucket");
    DirectoryBucketBlobStore[] directory = new DirectoryBucketBlobStore[1];
    try (S3TestServer server =
        S3TestServer.start(s -> directory[0] = new DirectoryBucketBlobStore(s))) {
      for (int run = 0; run < RUNS / 12; run++) { // one by default: ~40 s on an idle machine
        try (S3ObjectStore store =
            S3ObjectStore.open(
                server.config(server.createBucket()).directoryBucket(true).build())) {
          runHistory(gen, store, SECOND_CLOCK);
        }
      }
      assertThat(directory[0].listedPrefixes())
          .as("listings went through the directory bucket's rules")
          .isNotEmpty()
          .allMatch(p -> p.isEmpty() || p.endsWith("/"));
    }
  }

  static DbOptions tinyOptions() {
    return DbOptions.builder()
        .memtableBytes(2048)
        .maxUnflushedBytes(1 << 20)
        .tableOptions(SstOptions.defaults().withBlockSize(128))
        .blockCacheBytes(64 << 10)
        .compaction(tinyCompaction().build())
        // GC runs concurrently with flushes and compactions; a tiny job publishes in
        // milliseconds, far within half the minAge.
        .gc(
            GcOptions.builder()
                .minAge(Duration.ofMillis(400))
                .interval(Duration.ofMillis(30))
                .build())
        .build();
  }

  /** Thresholds so small that every policy rule fires and runs span many tables. */
  static CompactionOptions.Builder tinyCompaction() {
    return CompactionOptions.builder()
        .l0Trigger(2)
        .maxL0PerJob(4)
        .l0SlowdownTables(6)
        .l0StopTables(10)
        .baseRunBytes(8 << 10)
        .tierFanout(3)
        .maxRuns(4)
        .targetTableBytes(1024)
        .subcompactions(2);
  }

  /**
   * How long the final GC check waits for everything to pass minAge (400 ms) by the store's clock:
   * the in-memory and local stores keep precise times, S3 answers with whole seconds (its Date
   * header), so an object up to a second old may look new there (CI run at d8c3d8d: 11 tables
   * left).
   */
  private static final long PRECISE_CLOCK = 500;

  private static final long SECOND_CLOCK = 2_100;

  private void runHistory(Seeds.Gen gen, ObjectStore base, long settleMillis) {
    TreeMap<Key, byte[]> model = new TreeMap<>();
    CrashableStore store = new CrashableStore(base);
    Db db = Db.open(store, "db", tinyOptions());
    try {
      for (int step = 0; step < STEPS; step++) {
        int op = gen.intBetween(0, 99);
        if (op < 40) {
          byte[] k = key(gen);
          byte[] v = gen.bytes(gen.skewedLength(200));
          db.put(k, v, gen.chance(0.7) ? WriteOptions.noWait() : WriteOptions.durable());
          model.put(new Key(k), v);
        } else if (op < 50) {
          byte[] k = key(gen);
          db.delete(k, WriteOptions.noWait());
          model.remove(new Key(k));
        } else if (op < 58) {
          randomBatch(gen, db, model);
        } else if (op < 78) {
          byte[] k = key(gen);
          byte[] expected = model.get(new Key(k));
          assertThat(db.get(k)).as("get %s", Arrays.toString(k)).isEqualTo(expected);
        } else if (op < 88) {
          checkScan(gen, db, model);
        } else if (op < 92) {
          checkSnapshot(gen, db, model);
        } else if (op < 95) {
          db.flush();
        } else if (op < 98) {
          db.close();
          db = Db.open(store, "db", tinyOptions());
        } else {
          db.flush();
          store.crash();
          abandon(db);
          store = new CrashableStore(base);
          db = Db.open(store, "db", tinyOptions());
        }
      }
      checkScan(gen, db, model);
      // The tiny memtable must have produced tables, or this test exercised only memtables.
      assertThat(Futures.join(base.list("db/sst/"))).isNotEmpty();
      db.flush();
      awaitCompactions(db);
      DbStats stats = db.stats();
      assertThat(stats.sortedRuns()).as("compaction made runs").isBetween(1, 4);
      assertThat(stats.l0Tables()).as("L0 below the trigger once idle").isLessThan(2);
      checkScan(gen, db, model);
      checkGarbageCollected(db, base, settleMillis);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("history failed; replay with -Dseed=" + gen.seed(), e);
    } finally {
      db.close();
    }
  }

  /**
   * Once everything is older than minAge, GC leaves exactly the tables the latest manifest lists:
   * the crashed processes' leftovers and compacted inputs are gone, nothing referenced is. Only a
   * run that saw the final manifest is judged: a flush or compaction finishing after the run read
   * the manifest publishes a version whose replaced tables the run rightly kept, so that run is
   * repeated once things are quiet.
   */
  private static void checkGarbageCollected(Db db, ObjectStore base, long settleMillis) {
    for (int attempt = 1; ; attempt++) {
      db.engine().flushMemtables();
      awaitCompactions(db);
      try {
        Thread.sleep(settleMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      GcResult result = db.collectGarbage();
      Set<String> stored = new HashSet<>();
      for (ObjectMeta m : Futures.join(base.list("db/sst/"))) {
        stored.add(m.key());
      }
      Manifest latest = new ManifestStore(base, "db").readLatest().orElseThrow();
      if (latest.id() != result.latestManifestId() && attempt < 5) {
        continue;
      }
      Set<String> referenced = new HashSet<>();
      for (String id : latest.state().tableIds()) {
        referenced.add("db/sst/" + id + ".sst");
      }
      assertThat(stored)
          .as("tables after %s (latest manifest %d)", result, latest.id())
          .isEqualTo(referenced);
      return;
    }
  }

  static void awaitCompactions(Db db) {
    try {
      assertThat(db.awaitCompactions(Duration.ofSeconds(30))).as("compaction settles").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A crashed process never closes cleanly; closing here only stops its threads. */
  private static void abandon(Db db) {
    try {
      db.close();
    } catch (RuntimeException expected) {
      // The store is dead, so the close's uploads fail: nothing reached the store.
    }
  }

  /** A batch of one to eight random puts and deletes, applied to {@code db} and the model. */
  static void randomBatch(Seeds.Gen gen, Db db, TreeMap<Key, byte[]> model) {
    WriteBatch batch = new WriteBatch();
    for (int i = gen.intBetween(1, 8); i > 0; i--) {
      byte[] k = key(gen);
      if (gen.chance(0.3)) {
        batch.delete(k);
        model.remove(new Key(k));
      } else {
        byte[] v = gen.bytes(gen.intBetween(0, 50));
        batch.put(k, v);
        model.put(new Key(k), v);
      }
    }
    db.write(batch, WriteOptions.noWait());
  }

  static byte[] key(Seeds.Gen gen) {
    // A small key space so that overwrites and deletes of existing keys are common.
    return ("k" + gen.intBetween(0, 150)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void checkScan(Seeds.Gen gen, Db db, TreeMap<Key, byte[]> model) {
    byte[] start = gen.chance(0.3) ? null : key(gen);
    byte[] end = gen.chance(0.3) ? null : key(gen);
    List<Map.Entry<Key, byte[]>> expected = new ArrayList<>(range(model, start, end).entrySet());
    List<KeyValue> actual = new ArrayList<>();
    try (DbIterator it = db.scan(start, end)) {
      it.forEachRemaining(actual::add);
    }
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i).key()).isEqualTo(expected.get(i).getKey().bytes());
      assertThat(actual.get(i).value()).isEqualTo(expected.get(i).getValue());
    }
  }

  private static void checkSnapshot(Seeds.Gen gen, Db db, TreeMap<Key, byte[]> model) {
    TreeMap<Key, byte[]> frozen = new TreeMap<>(model);
    try (Snapshot snapshot = db.snapshot()) {
      // Sometimes enough writes to flush and compact while the snapshot is open.
      int writes = gen.chance(0.3) ? 200 : gen.intBetween(1, 10);
      for (int i = writes; i > 0; i--) {
        byte[] k = key(gen);
        db.put(k, gen.bytes(gen.intBetween(3, 60)), WriteOptions.noWait());
        model.put(new Key(k), db.get(k));
      }
      if (writes == 200) {
        db.flush();
        awaitCompactions(db);
      }
      ReadOptions at = ReadOptions.defaults().withSnapshot(snapshot);
      for (int i = 0; i < 10; i++) {
        byte[] k = key(gen);
        assertThat(db.get(k, at)).isEqualTo(frozen.get(new Key(k)));
      }
      int count = 0;
      try (DbIterator it = db.scan(null, null, at)) {
        while (it.hasNext()) {
          KeyValue kv = it.next();
          assertThat(kv.value()).isEqualTo(frozen.get(new Key(kv.key())));
          count++;
        }
      }
      assertThat(count).isEqualTo(frozen.size());
    }
  }

  private static Map<Key, byte[]> range(TreeMap<Key, byte[]> model, byte[] start, byte[] end) {
    if (start != null && end != null && Arrays.compareUnsigned(start, end) >= 0) {
      return Map.of();
    }
    Map<Key, byte[]> m = model;
    if (start != null) {
      m = ((TreeMap<Key, byte[]>) m).tailMap(new Key(start), true);
    }
    if (end != null) {
      m = new TreeMap<>(m).headMap(new Key(end), false);
    }
    return m;
  }

  /** A key ordered like the database orders keys: unsigned bytes. */
  record Key(byte[] bytes) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }
}
