package dev.shaledb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.DbModelPropertyTest.Key;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.read.ReadPath;
import dev.shaledb.read.ScanIterator;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.table.TableIds;
import dev.shaledb.table.TableKeys;
import dev.shaledb.table.TableStore;
import dev.shaledb.testing.Seeds;
import dev.shaledb.view.DbView;
import dev.shaledb.view.Memtable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Random writes, flushes, checkpoints, garbage collection with {@code minAge} zero, reopens and
 * crashes against a {@code TreeMap} model, with a tiny memtable so tables and manifest versions
 * pile up. After every collection, everything the latest manifest and every unexpired checkpoint
 * reference must exist, a checkpoint must still read exactly as the model did when it was taken,
 * and planted unreferenced tables must be gone; after every reopen the database must match the
 * model.
 */
class DbGcPropertyTest {
  private static final int RUNS = Boolean.getBoolean("shaledb.long") ? 100 : 6;
  private static final int STEPS = 300;

  @Test
  void collectingGarbageNeverLosesWhatIsReferenced() {
    Seeds.Gen gen = Seeds.gen("DbGcPropertyTest.collectingGarbageNeverLosesWhatIsReferenced");
    long[] totals = new long[4];
    for (int run = 0; run < RUNS; run++) {
      new History(gen, totals).run();
    }
    System.out.printf(
        "[gc] retired %d manifests, deleted %d tables and %d WAL objects, removed %d expired"
            + " checkpoints%n",
        totals[0], totals[1], totals[2], totals[3]);
    // The histories must exercise every kind of collection, or they prove little.
    assertThat(totals).doesNotContain(0L);
  }

  private static DbOptions options() {
    return DbModelPropertyTest.tinyOptions().toBuilder()
        .gc(GcOptions.builder().minAge(Duration.ZERO).interval(Duration.ZERO).build())
        .tableOptions(SstOptions.defaults().withBlockSize(256))
        .build();
  }

  private static final class History {
    private final Seeds.Gen gen;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryObjectStore base = new InMemoryObjectStore(clock);
    private final TreeMap<Key, byte[]> model = new TreeMap<>();

    /** Checkpoints taken with flushFirst, and the model when they were taken. */
    private final Map<UUID, TreeMap<Key, byte[]>> snapshots = new LinkedHashMap<>();

    private final List<String> planted = new ArrayList<>();
    private CrashableStore store = new CrashableStore(base);
    private Db db;
    private final long[] totals;
    private int gcRuns;

    History(Seeds.Gen gen, long[] totals) {
      this.gen = gen;
      this.totals = totals;
    }

    void run() {
      db = Db.open(store, "db", options());
      try {
        for (int step = 0; step < STEPS; step++) {
          clock.advance(Duration.ofMillis(gen.intBetween(0, 60)));
          step();
        }
        collect();
        db.close();
        reopen();
        assertThat(gcRuns).isPositive();
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("history failed; replay with -Dseed=" + gen.seed(), e);
      } finally {
        db.close();
      }
    }

    private void step() {
      int op = gen.intBetween(0, 99);
      if (op < 45) {
        byte[] k = key();
        byte[] v = gen.bytes(gen.skewedLength(120));
        db.put(k, v, gen.chance(0.7) ? WriteOptions.noWait() : WriteOptions.durable());
        model.put(new Key(k), v);
      } else if (op < 55) {
        byte[] k = key();
        db.delete(k, WriteOptions.noWait());
        model.remove(new Key(k));
      } else if (op < 65) {
        byte[] k = key();
        assertThat(db.get(k)).isEqualTo(model.get(new Key(k)));
      } else if (op < 70) {
        db.flush();
      } else if (op < 76) {
        createCheckpoint();
      } else if (op < 79) {
        deleteCheckpoint();
      } else if (op < 82) {
        plantLeftover();
      } else if (op < 94) {
        collect();
      } else if (op < 97) {
        db.close();
        reopen();
      } else {
        db.flush();
        store.crash();
        try {
          db.close();
        } catch (RuntimeException expected) {
          // The "dead" process cannot upload on close.
        }
        store = new CrashableStore(base);
        reopen();
      }
    }

    private void createCheckpoint() {
      Duration lifetime = gen.chance(0.4) ? null : Duration.ofMillis(gen.intBetween(1, 3000));
      boolean flushFirst = gen.chance(0.8);
      Checkpoint cp = db.createCheckpoint("cp" + gen.intBetween(0, 9), lifetime, flushFirst);
      assertThat(db.listCheckpoints()).contains(cp);
      if (flushFirst) {
        snapshots.put(cp.id(), new TreeMap<>(model));
      }
    }

    private void deleteCheckpoint() {
      List<Checkpoint> listed = db.listCheckpoints();
      if (listed.isEmpty()) {
        assertThat(db.deleteCheckpoint(UUID.randomUUID())).isFalse();
        return;
      }
      Checkpoint cp = listed.get(gen.intBetween(0, listed.size() - 1));
      assertThat(db.deleteCheckpoint(cp.id())).isTrue();
      snapshots.remove(cp.id());
    }

    private final TableIds leftoverIds = new TableIds(clock, new java.util.Random(planted.size()));

    /** An upload nobody publishes, like a fenced compactor's output. */
    private void plantLeftover() {
      String key = TableKeys.key("db", leftoverIds.next());
      Futures.join(base.put(key, new byte[] {1, 2, 3}, PutCondition.ifAbsent()));
      planted.add(key);
    }

    private void collect() {
      awaitFlushes();
      GcResult result = db.collectGarbage();
      gcRuns++;
      totals[0] += result.manifestsRetired();
      totals[1] += result.tablesDeleted();
      totals[2] += result.walObjectsDeleted();
      totals[3] += result.checkpointsRemoved();
      Instant now = result.storeTime();
      Manifest latest = new ManifestStore(base, "db").readLatest().orElseThrow();
      assertThat(result.latestManifestId()).isLessThanOrEqualTo(latest.id());
      assertTablesExist(latest.state());
      for (Checkpoint cp : latest.state().checkpoints()) {
        assertThat(cp.isExpired(now)).as("expired checkpoints are removed").isFalse();
        ManifestState pinned =
            new ManifestStore(base, "db").read(cp.manifestId()).orElseThrow().state();
        assertTablesExist(pinned);
        TreeMap<Key, byte[]> expected = snapshots.get(cp.id());
        if (expected != null) {
          assertReads(pinned, expected);
        }
      }
      snapshots
          .keySet()
          .retainAll(latest.state().checkpoints().stream().map(Checkpoint::id).toList());
      for (String key : planted) {
        assertThat(exists(key)).as("%s collected", key).isFalse();
      }
      planted.clear();
    }

    /**
     * With minAge zero, a table still on its way to the manifest (from a flush or a compaction)
     * must not be collected.
     */
    private void awaitFlushes() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (db.stats().immutableMemtables() > 0) {
        assertThat(System.nanoTime()).as("flushes finish").isLessThan(deadline);
        Thread.onSpinWait();
      }
      // Likewise a compaction's output uploaded but not yet published.
      DbModelPropertyTest.awaitCompactions(db);
      // Planted objects are strictly older than the collection's clock reading.
      clock.advance(Duration.ofMillis(1));
    }

    private void reopen() {
      db = Db.open(store, "db", options());
      List<KeyValue> actual = new ArrayList<>();
      try (DbIterator it = db.scan(null, null)) {
        it.forEachRemaining(actual::add);
      }
      assertSame(actual, model);
    }

    private void assertTablesExist(ManifestState state) {
      List<TableInfo> all = new ArrayList<>(state.l0());
      for (SortedRun r : state.sortedRuns()) {
        all.addAll(r.tables());
      }
      for (TableInfo t : all) {
        assertThat(exists("db/sst/" + t.id() + ".sst")).as("table %s", t.id()).isTrue();
      }
    }

    /** Reads a manifest version's tables alone, as a reader of a checkpoint would. */
    private void assertReads(ManifestState state, TreeMap<Key, byte[]> expected) {
      ReadPath reads =
          new ReadPath(
              new TableStore(base, "db", null, CorruptionReporter.NONE), null, Clock.systemUTC());
      List<KeyValue> actual = new ArrayList<>();
      try (DbIterator it =
          new ScanIterator(
              reads.scan(
                  new DbView(new Memtable(), List.of(), state, 0),
                  null,
                  null,
                  Long.MAX_VALUE,
                  false,
                  ReadOptions.DEFAULT_READ_AHEAD_BYTES),
              () -> false)) {
        it.forEachRemaining(actual::add);
      }
      assertSame(actual, expected);
    }

    private static void assertSame(List<KeyValue> actual, TreeMap<Key, byte[]> expected) {
      assertThat(actual).hasSize(expected.size());
      int i = 0;
      for (Map.Entry<Key, byte[]> e : expected.entrySet()) {
        assertThat(actual.get(i).key()).isEqualTo(e.getKey().bytes());
        assertThat(actual.get(i).value())
            .as(Arrays.toString(e.getKey().bytes()))
            .isEqualTo(e.getValue());
        i++;
      }
    }

    private boolean exists(String key) {
      try {
        Futures.join(base.head(key));
        return true;
      } catch (ObjectNotFoundException | CompletionException e) {
        return false;
      }
    }

    private byte[] key() {
      return ("k" + gen.intBetween(0, 120)).getBytes(StandardCharsets.UTF_8);
    }
  }
}
