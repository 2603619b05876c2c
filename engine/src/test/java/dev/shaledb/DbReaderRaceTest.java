package dev.shaledb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.testing.Seeds;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A writer doing random puts, deletes, batches, durable and not, with a tiny memtable (so flushes
 * and manifest switches are frequent) and occasional crash-and-reopen (new epochs), while a reader
 * polls every millisecond and the test thread refreshes and reads at random. Every value carries a
 * counter that grows with every write, so the test can tell that the reader never shows a key older
 * than it showed before, and never a key or value that was not written; at the end the reader must
 * show exactly the writer's final state, with an empty memtable once everything is in tables.
 */
class DbReaderRaceTest {
  private static final int ROUNDS = Boolean.getBoolean("shaledb.long") ? 100 : 8;
  private static final int OPS = 300;
  private static final int KEYS = 24;

  @Test
  void readerNeverGoesBackNorInvents() throws Exception {
    Seeds.Gen gen = Seeds.gen("DbReaderRaceTest.readerNeverGoesBackNorInvents");
    for (int round = 0; round < ROUNDS; round++) {
      long seed = gen.random().nextLong();
      try {
        runRound(seed);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("round failed; replay with -Dseed=" + gen.seed(), e);
      }
    }
  }

  private static DbOptions tinyOptions(int inFlight) {
    DbOptions d = DbOptions.defaults();
    return d.toBuilder()
        .memtableBytes(1024)
        .maxUnflushedBytes(1 << 20)
        .tableOptions(SstOptions.defaults().withBlockSize(128))
        .blockCacheBytes(64 << 10)
        .walOptions(
            d.walOptions()
                .withFlushInterval(Duration.ofMillis(2))
                .withMaxInFlight(inFlight)
                .withMaxObjectBytes(512))
        .build();
  }

  /** Every write of each key, in order: a counter for a put, its negation for a delete. */
  private final Map<String, List<Long>> events = new ConcurrentHashMap<>();

  private void runRound(long seed) throws Exception {
    events.clear();
    InMemoryObjectStore base = new InMemoryObjectStore();
    Seeds.Gen writerGen = new Seeds.Gen(seed);
    Seeds.Gen readerGen = new Seeds.Gen(~seed);
    DbOptions options = tinyOptions(writerGen.intBetween(1, 3));
    CrashableStore[] store = {new CrashableStore(base)};
    Db first = Db.open(store[0], "db", options);
    TreeMap<String, Long> model = new TreeMap<>();
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Db> last = new AtomicReference<>(first);
    AtomicReference<Throwable> writerFailure = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                writeHistory(writerGen, base, store, options, last, model);
              } catch (Throwable t) {
                writerFailure.set(t);
              } finally {
                done.set(true);
              }
            },
            "race-writer");
    DbReaderOptions polling = DbReaderOptions.builder().pollInterval(Duration.ofMillis(1)).build();
    try (DbReader reader = DbReader.open(base, "db", polling)) {
      Map<String, Long> floors = new HashMap<>();
      writer.start();
      while (!done.get()) {
        readOnce(readerGen, reader, floors);
      }
      writer.join();
      if (writerFailure.get() != null) {
        throw new AssertionError("writer failed", writerFailure.get());
      }
      last.get().close(); // flushes everything to tables
      reader.refresh();
      Map<String, Long> seen = new TreeMap<>();
      try (DbIterator it = reader.scan(null, null)) {
        it.forEachRemaining(kv -> seen.put(new String(kv.key(), UTF_8), counter(kv.value())));
      }
      assertThat(seen).isEqualTo(model);
      assertThat(reader.stats().memtableEntries()).isZero();
      assertThat(reader.stats().refreshFailures()).isZero();
      // The tiny memtable made the writer flush, so the reader switched manifests mid-race.
      assertThat(reader.stats().manifestSwitches()).isGreaterThan(1);
      assertThat(floors).isNotEmpty();
      System.out.println(
          "[race] "
              + reader.stats().manifestSwitches()
              + " switches, "
              + reader.stats().refreshes()
              + " refreshes, "
              + reader.stats().gets()
              + " gets, "
              + floors.size()
              + " keys seen");
    }
  }

  private void writeHistory(
      Seeds.Gen gen,
      InMemoryObjectStore base,
      CrashableStore[] store,
      DbOptions options,
      AtomicReference<Db> current,
      TreeMap<String, Long> model) {
    Db db = current.get();
    long counter = 0;
    for (int op = 0; op < OPS; op++) {
      int pick = gen.intBetween(0, 99);
      WriteOptions how = gen.chance(0.5) ? WriteOptions.noWait() : WriteOptions.durable();
      if (pick < 3) {
        db.flush();
        store[0].crash();
        try {
          db.close();
        } catch (RuntimeException expected) {
          // the store is dead
        }
        store[0] = new CrashableStore(base);
        db = Db.open(store[0], "db", options);
        current.set(db);
        continue;
      }
      WriteBatch batch = new WriteBatch();
      int writes = pick < 15 ? gen.intBetween(2, 5) : 1;
      for (int i = 0; i < writes; i++) {
        String key = "k" + gen.intBetween(0, KEYS - 1);
        counter++;
        if (gen.chance(0.2)) {
          record(key, -counter);
          batch.delete(key.getBytes(UTF_8));
          model.remove(key);
        } else {
          record(key, counter);
          batch.put(key.getBytes(UTF_8), value(key, counter));
          model.put(key, counter);
        }
      }
      db.write(batch, how);
    }
    db.flush();
  }

  private void record(String key, long event) {
    events.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(event);
  }

  private void readOnce(Seeds.Gen gen, DbReader reader, Map<String, Long> floors) {
    int pick = gen.intBetween(0, 9);
    if (pick < 3) {
      reader.refresh();
    } else if (pick < 7) {
      String key = "k" + gen.intBetween(0, KEYS - 1);
      observe(floors, key, reader.get(key.getBytes(UTF_8)));
    } else {
      List<String> returned = new ArrayList<>();
      try (DbIterator it = reader.scan(null, null)) {
        while (it.hasNext()) {
          KeyValue kv = it.next();
          String key = new String(kv.key(), UTF_8);
          returned.add(key);
          observe(floors, key, kv.value());
        }
      }
      for (int i = 0; i < KEYS; i++) {
        if (!returned.contains("k" + i)) {
          observe(floors, "k" + i, null);
        }
      }
    }
  }

  /**
   * Checks one observation of {@code key} against what was written, and against the earliest write
   * the earlier observations allow ({@code floors}): a put's counter, or a delete's.
   */
  private void observe(Map<String, Long> floors, String key, byte[] value) {
    List<Long> written = events.getOrDefault(key, List.of());
    long floor = floors.getOrDefault(key, 0L);
    if (value != null) {
      long c = counter(value);
      assertThat(written).as("counter %d of %s was written", c, key).contains(c);
      assertThat(value).as("value of %s", key).isEqualTo(value(key, c));
      assertThat(c).as("%s went back", key).isGreaterThanOrEqualTo(floor);
      floors.put(key, c);
    } else if (floor > 0) {
      long earliest = Long.MAX_VALUE;
      for (long e : written) {
        if (e < 0 && -e >= floor) {
          earliest = Math.min(earliest, -e);
        }
      }
      assertThat(earliest)
          .as("%s vanished after counter %d without a delete", key, floor)
          .isNotEqualTo(Long.MAX_VALUE);
      floors.put(key, earliest);
    }
  }

  private static byte[] value(String key, long counter) {
    byte[] k = key.getBytes(UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + k.length + (int) (counter % 29));
    b.putLong(counter).put(k);
    Arrays.fill(b.array(), 8 + k.length, b.capacity(), (byte) counter);
    return b.array();
  }

  private static long counter(byte[] value) {
    return ByteBuffer.wrap(value).getLong();
  }
}
