package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.error.TransactionConflictException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.testing.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Interleaved transactions, plain writes, flushes and compactions against a model: a {@link
 * TreeMap} of committed values, a counter of commits and, per key, the commit that last wrote it. A
 * model transaction reads a copy of the committed map under its own writes and conflicts exactly
 * when a key it wrote (serializable: also read, or a key in a range it scanned) was written by a
 * commit after its snapshot. Every read, scan and commit outcome must match. Seeded: a run's seed
 * is printed and {@code -Dseed=S} replays it.
 */
class TransactionModelPropertyTest {
  private static final int SEEDS = 60;
  private static final int STEPS = 400;
  private static final int KEYS = 10;

  private static final class ModelTxn {
    final Transaction real;
    final IsolationLevel isolation;
    final long snapshot;
    final TreeMap<String, String> view;
    final TreeMap<String, Optional<String>> own = new TreeMap<>();
    final Set<String> read = new HashSet<>();
    final List<String[]> ranges = new ArrayList<>();

    ModelTxn(
        Transaction real, IsolationLevel isolation, long snapshot, TreeMap<String, String> view) {
      this.real = real;
      this.isolation = isolation;
      this.snapshot = snapshot;
      this.view = view;
    }

    String get(String key) {
      if (own.containsKey(key)) {
        return own.get(key).orElse(null);
      }
      read.add(key);
      return view.get(key);
    }

    List<String> scan(String from, String to) {
      ranges.add(new String[] {from, to});
      TreeMap<String, String> merged = new TreeMap<>(view);
      own.forEach((k, v) -> v.ifPresentOrElse(x -> merged.put(k, x), () -> merged.remove(k)));
      return new ArrayList<>(merged.subMap(from, true, to, false).keySet());
    }
  }

  private final TreeMap<String, String> committed = new TreeMap<>();
  private final Map<String, Long> lastWrite = new HashMap<>();
  private long commits;

  private static String key(SplittableRandom r) {
    return "k" + r.nextInt(KEYS);
  }

  private static String s(byte[] v) {
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  private void apply(Map<String, Optional<String>> writes) {
    commits++;
    writes.forEach(
        (k, v) -> {
          v.ifPresentOrElse(x -> committed.put(k, x), () -> committed.remove(k));
          lastWrite.put(k, commits);
        });
  }

  private boolean conflicts(ModelTxn t) {
    if (t.own.isEmpty()) {
      return false; // a read-only transaction read one snapshot: serializable as it is
    }
    Set<String> checked = new HashSet<>(t.own.keySet());
    if (t.isolation == IsolationLevel.SERIALIZABLE) {
      checked.addAll(t.read);
      for (String[] r : t.ranges) {
        for (String k : lastWrite.keySet()) {
          if (k.compareTo(r[0]) >= 0 && k.compareTo(r[1]) < 0) {
            checked.add(k);
          }
        }
      }
    }
    return checked.stream().anyMatch(k -> lastWrite.getOrDefault(k, 0L) > t.snapshot);
  }

  private String describe(ModelTxn t) {
    Map<String, Long> newer = new TreeMap<>();
    lastWrite.forEach(
        (k, v) -> {
          if (v > t.snapshot) {
            newer.put(k, v);
          }
        });
    List<String> ranges = t.ranges.stream().map(r -> "[" + r[0] + "," + r[1] + ")").toList();
    return t.isolation
        + " snapshot "
        + t.snapshot
        + " wrote "
        + t.own.keySet()
        + " read "
        + t.read
        + " scanned "
        + ranges
        + "; written since: "
        + newer;
  }

  @Test
  void transactionsMatchTheModel() {
    int[] outcomes = new int[2];
    SplittableRandom seeds = new SplittableRandom(Seeds.seed("TransactionModelPropertyTest"));
    for (int i = 0; i < SEEDS; i++) {
      committed.clear();
      lastWrite.clear();
      commits = 0;
      run(seeds.nextLong(), outcomes);
    }
    assertThat(outcomes[0]).as("commits").isGreaterThan(SEEDS);
    assertThat(outcomes[1]).as("conflicts").isGreaterThan(SEEDS);
  }

  private void run(long seed, int[] outcomes) {
    SplittableRandom r = new SplittableRandom(seed);
    List<ModelTxn> open = new ArrayList<>();
    try (Db db = Db.open(new InMemoryObjectStore(), "db", DbModelPropertyTest.tinyOptions())) {
      for (int step = 0; step < STEPS; step++) {
        String at = "seed " + seed + " step " + step;
        int op = r.nextInt(100);
        if (open.isEmpty() || op < 12) {
          if (open.size() < 4) {
            IsolationLevel level =
                r.nextBoolean() ? IsolationLevel.SNAPSHOT : IsolationLevel.SERIALIZABLE;
            Transaction real = db.beginTransaction(new TransactionOptions(level, 1_000_000));
            open.add(new ModelTxn(real, level, commits, new TreeMap<>(committed)));
          }
          continue;
        }
        ModelTxn t = open.get(r.nextInt(open.size()));
        if (op < 30) {
          String k = key(r);
          assertThat(s(t.real.get(b(k)))).as(at + " get " + k).isEqualTo(t.get(k));
        } else if (op < 38) {
          String a = key(r);
          String c = key(r);
          String from = a.compareTo(c) <= 0 ? a : c;
          String to = (a.compareTo(c) <= 0 ? c : a) + "~";
          List<String> expected = t.scan(from, to);
          try (DbIterator it = t.real.scan(b(from), b(to))) {
            assertThat(Testing.keys(it)).as(at + " scan").isEqualTo(expected);
          }
        } else if (op < 55) {
          String k = key(r);
          String v = "v" + step;
          t.real.put(b(k), b(v));
          t.own.put(k, Optional.of(v));
        } else if (op < 62) {
          String k = key(r);
          t.real.delete(b(k));
          t.own.put(k, Optional.empty());
        } else if (op < 80) {
          open.remove(t);
          boolean conflict = conflicts(t);
          try {
            t.real.commit(WriteOptions.noWait());
            assertThat(conflict)
                .as(at + " commit succeeded where the model conflicts: " + describe(t))
                .isFalse();
            if (!t.own.isEmpty()) {
              apply(t.own);
            }
            outcomes[0]++;
          } catch (TransactionConflictException e) {
            assertThat(conflict)
                .as(at + " conflict the model does not see: " + e.getMessage())
                .isTrue();
            outcomes[1]++;
          }
        } else if (op < 84) {
          open.remove(t);
          t.real.rollback();
        } else if (op < 94) {
          String k = key(r);
          String v = "p" + step;
          if (r.nextInt(4) == 0) {
            db.delete(b(k), WriteOptions.noWait());
            apply(Map.of(k, Optional.empty()));
          } else {
            db.put(b(k), b(v), WriteOptions.noWait());
            apply(Map.of(k, Optional.of(v)));
          }
        } else if (op < 97) {
          String k = key(r);
          assertThat(s(db.get(b(k)))).as(at + " db get").isEqualTo(committed.get(k));
        } else {
          db.engine().flushMemtables();
        }
      }
      open.forEach(t -> t.real.close());
    }
  }
}
