package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.error.TransactionConflictException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.testing.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A history checker: threads run random transactions concurrently (reads and a scan first, then
 * writes of values unique to the transaction), and every committed transaction's reads, scans,
 * writes, snapshot and commit sequence numbers are recorded. Then:
 *
 * <ul>
 *   <li>serializable: replaying the committed writers one by one in commit order, each one's reads
 *       and scans match the state just before it, and each read-only transaction's match the state
 *       at its snapshot: the history is equivalent to that serial order (so it has no dependency
 *       cycle);
 *   <li>snapshot isolation: every transaction read the state at its snapshot, and no two committed
 *       writers of a common key overlapped (first committer wins: no lost update).
 * </ul>
 */
class TransactionHistoryTest {
  private static final int THREADS = 4;
  private static final int TRANSACTIONS_PER_THREAD = 150;
  private static final int KEYS = 8;

  private record Committed(
      long snapshot,
      long commit,
      Map<String, String> reads,
      String scanFrom,
      String scanTo,
      Map<String, String> scanned,
      Map<String, String> writes) {}

  private static String s(byte[] v) {
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  @Test
  void serializableHistoriesHaveASerialOrder() throws Exception {
    check(IsolationLevel.SERIALIZABLE, Seeds.seed("TransactionHistoryTest.serializable"));
  }

  @Test
  void snapshotIsolationHistoriesReadSnapshotsAndLoseNoUpdate() throws Exception {
    check(IsolationLevel.SNAPSHOT, Seeds.seed("TransactionHistoryTest.snapshot"));
  }

  private void check(IsolationLevel level, long seed) throws Exception {
    ConcurrentLinkedQueue<Committed> history = new ConcurrentLinkedQueue<>();
    AtomicInteger conflicts = new AtomicInteger();
    // Every other round the threads wait for each other between their reads and their commit, so
    // those transactions overlap whatever the machine's load (a loaded machine may otherwise run
    // the threads one after another, and a history without conflicts tests little).
    CyclicBarrier together = new CyclicBarrier(THREADS);
    try (Db db = Db.open(new InMemoryObjectStore(), "db", DbModelPropertyTest.tinyOptions())) {
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          SplittableRandom r = new SplittableRandom(seed + t);
          int thread = t;
          work.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < TRANSACTIONS_PER_THREAD; i++) {
                      CyclicBarrier meet = i % 2 == 0 ? together : null;
                      run(db, level, r, "t" + thread + "." + i, history, conflicts, meet);
                    }
                  }));
        }
        for (Future<?> f : work) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
    }
    List<Committed> writers = new ArrayList<>();
    List<Committed> readers = new ArrayList<>();
    for (Committed c : history) {
      (c.writes().isEmpty() ? readers : writers).add(c);
    }
    writers.sort(Comparator.comparingLong(Committed::commit));
    assertThat(writers.size()).as("committed writers (seed " + seed + ")").isGreaterThan(50);

    for (Committed c : history) {
      TreeMap<String, String> atSnapshot = replay(writers, w -> w.commit() <= c.snapshot());
      assertThat(c.reads())
          .as("seed " + seed + ": reads at the snapshot")
          .allSatisfy((k, v) -> assertThat(v).isEqualTo(atSnapshot.get(k)));
      assertThat(c.scanned())
          .as("seed " + seed + ": scan at the snapshot")
          .isEqualTo(new TreeMap<>(atSnapshot.subMap(c.scanFrom(), c.scanTo())));
    }
    if (level == IsolationLevel.SERIALIZABLE) {
      TreeMap<String, String> state = new TreeMap<>();
      for (Committed w : writers) {
        assertThat(w.reads())
            .as("seed " + seed + ": reads of the writer committed at " + w.commit())
            .allSatisfy((k, v) -> assertThat(v).isEqualTo(state.get(k)));
        assertThat(w.scanned())
            .as("seed " + seed + ": scan of the writer committed at " + w.commit())
            .isEqualTo(new TreeMap<>(state.subMap(w.scanFrom(), w.scanTo())));
        w.writes().forEach((k, v) -> apply(state, k, v));
      }
    } else {
      for (int i = 0; i < writers.size(); i++) {
        for (int j = i + 1; j < writers.size(); j++) {
          Committed a = writers.get(i);
          Committed z = writers.get(j);
          boolean overlap = a.snapshot() < z.commit() && z.snapshot() < a.commit();
          boolean common = a.writes().keySet().stream().anyMatch(z.writes()::containsKey);
          assertThat(overlap && common)
              .as(
                  "seed "
                      + seed
                      + ": lost update between commits "
                      + a.commit()
                      + ", "
                      + z.commit())
              .isFalse();
        }
      }
    }
    // Last, so that a broken check fails on what it broke first.
    assertThat(conflicts.get()).as("conflicts (seed " + seed + ")").isPositive();
  }

  private static void apply(Map<String, String> state, String key, String value) {
    if (value.isEmpty()) {
      state.remove(key);
    } else {
      state.put(key, value);
    }
  }

  private static TreeMap<String, String> replay(
      List<Committed> writers, java.util.function.Predicate<Committed> upTo) {
    TreeMap<String, String> state = new TreeMap<>();
    for (Committed w : writers) {
      if (upTo.test(w)) {
        w.writes().forEach((k, v) -> apply(state, k, v));
      }
    }
    return state;
  }

  private static void run(
      Db db,
      IsolationLevel level,
      SplittableRandom r,
      String id,
      ConcurrentLinkedQueue<Committed> history,
      AtomicInteger conflicts,
      CyclicBarrier meet) {
    try (Transaction t = db.beginTransaction(new TransactionOptions(level, 1000))) {
      Map<String, String> reads = new HashMap<>();
      for (int n = r.nextInt(3); n >= 0; n--) {
        String k = "k" + r.nextInt(KEYS);
        reads.put(k, s(t.get(b(k))));
      }
      int a = r.nextInt(KEYS);
      String from = "k" + a;
      String to = "k" + Math.min(KEYS, a + 1 + r.nextInt(3));
      Map<String, String> scanned = new TreeMap<>();
      try (DbIterator it = t.scan(b(from), b(to))) {
        it.forEachRemaining(kv -> scanned.put(s(kv.key()), s(kv.value())));
      }
      if (meet != null) {
        try {
          meet.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException("the threads did not meet", e);
        }
      }
      Map<String, String> writes = new HashMap<>();
      for (int n = r.nextInt(3); n > 0; n--) {
        String k = "k" + r.nextInt(KEYS);
        if (r.nextInt(5) == 0) {
          t.delete(b(k));
          writes.put(k, "");
        } else {
          t.put(b(k), b(id));
          writes.put(k, id);
        }
      }
      try {
        t.commit(WriteOptions.noWait());
        history.add(
            new Committed(
                t.snapshotSequence(), t.commitSequence(), reads, from, to, scanned, writes));
      } catch (TransactionConflictException e) {
        conflicts.incrementAndGet();
      }
    }
  }
}
