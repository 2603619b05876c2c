package dev.shaledb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.DbModelPropertyTest.Key;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.testing.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * multiGet against a {@code TreeMap} model through random puts, deletes, batches, flushes and
 * compactions (DbModelPropertyTest's tiny options, so keys spread over memtables, many L0 tables
 * and multi-table runs), with key lists holding duplicates and absent keys. Each multiGet is also
 * compared with a loop of get at the same snapshot, while writes made after the snapshot must stay
 * invisible to both.
 */
class MultiGetPropertyTest {
  private static final int RUNS = Boolean.getBoolean("shaledb.long") ? 100 : 8;
  private static final int STEPS = 400;

  @Test
  void matchesTheModelAndGet() {
    Seeds.Gen gen = Seeds.gen("MultiGetPropertyTest.matchesTheModelAndGet");
    long fromTables = 0;
    for (int run = 0; run < RUNS; run++) {
      fromTables += runHistory(gen);
    }
    // Non-vacuity: multiGets read tables, not only memtables. (AssertJ compares byte[] elements
    // by content.)
    assertThat(fromTables).as("multiGets that read tables").isGreaterThan(RUNS * 10L);
  }

  /** One history; returns how many multiGets ran while the database had tables. */
  private static long runHistory(Seeds.Gen gen) {
    TreeMap<Key, byte[]> model = new TreeMap<>();
    long fromTables = 0;
    try (Db db = Db.open(new InMemoryObjectStore(), "db", DbModelPropertyTest.tinyOptions())) {
      for (int step = 0; step < STEPS; step++) {
        int op = gen.intBetween(0, 99);
        if (op < 45) {
          byte[] k = key(gen);
          byte[] v = gen.bytes(gen.skewedLength(200));
          db.put(k, v, WriteOptions.noWait());
          model.put(new Key(k), v);
        } else if (op < 55) {
          byte[] k = key(gen);
          db.delete(k, WriteOptions.noWait());
          model.remove(new Key(k));
        } else if (op < 60) {
          DbModelPropertyTest.randomBatch(gen, db, model);
        } else if (op < 80) {
          List<byte[]> keys = keyList(gen, model);
          assertThat(db.multiGet(keys))
              .as("multiGet %s", names(keys))
              .containsExactlyElementsOf(expected(model, keys));
          DbStats stats = db.stats();
          fromTables += (stats.l0Tables() + stats.sortedRuns() > 0) ? 1 : 0;
        } else if (op < 92) {
          checkSnapshot(gen, db, model);
        } else if (op < 97) {
          db.flush();
        } else {
          db.flush();
          DbModelPropertyTest.awaitCompactions(db);
        }
      }
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("history failed; replay with -Dseed=" + gen.seed(), e);
    }
    return fromTables;
  }

  /** multiGet at a snapshot equals a loop of get at it, and the model as of the snapshot. */
  private static void checkSnapshot(Seeds.Gen gen, Db db, TreeMap<Key, byte[]> model) {
    TreeMap<Key, byte[]> frozen = new TreeMap<>(model);
    try (Snapshot snapshot = db.snapshot()) {
      int writes = gen.chance(0.3) ? 150 : gen.intBetween(0, 10);
      for (int i = writes; i > 0; i--) {
        byte[] k = key(gen);
        if (gen.chance(0.2)) {
          db.delete(k, WriteOptions.noWait());
          model.remove(new Key(k));
        } else {
          byte[] v = gen.bytes(gen.intBetween(1, 60));
          db.put(k, v, WriteOptions.noWait());
          model.put(new Key(k), v);
        }
      }
      if (writes == 150) {
        db.flush();
        DbModelPropertyTest.awaitCompactions(db);
      }
      ReadOptions at = ReadOptions.defaults().withSnapshot(snapshot);
      List<byte[]> keys = keyList(gen, frozen);
      List<byte[]> looped = new ArrayList<>();
      for (byte[] k : keys) {
        looped.add(db.get(k, at));
      }
      List<byte[]> actual = db.multiGet(keys, at);
      assertThat(actual)
          .as("multiGet at a snapshot vs get %s", names(keys))
          .containsExactlyElementsOf(looped)
          .containsExactlyElementsOf(expected(frozen, keys));
    }
  }

  /** Up to 40 keys: present ones, absent ones, and repeats of earlier ones. */
  private static List<byte[]> keyList(Seeds.Gen gen, TreeMap<Key, byte[]> model) {
    List<byte[]> keys = new ArrayList<>();
    for (int i = gen.intBetween(0, 40); i > 0; i--) {
      if (!keys.isEmpty() && gen.chance(0.15)) {
        keys.add(keys.get(gen.intBetween(0, keys.size() - 1)));
      } else if (!model.isEmpty() && gen.chance(0.5)) {
        Key present = model.ceilingKey(new Key(key(gen)));
        keys.add(present == null ? model.firstKey().bytes() : present.bytes());
      } else {
        keys.add(key(gen)); // in the model or not
      }
    }
    return keys;
  }

  private static List<byte[]> expected(TreeMap<Key, byte[]> model, List<byte[]> keys) {
    List<byte[]> values = new ArrayList<>();
    for (byte[] k : keys) {
      values.add(model.get(new Key(k)));
    }
    return values;
  }

  private static List<String> names(List<byte[]> keys) {
    return keys.stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList();
  }

  private static byte[] key(Seeds.Gen gen) {
    return DbModelPropertyTest.key(gen);
  }
}
