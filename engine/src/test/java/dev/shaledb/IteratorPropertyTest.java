package dev.shaledb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.DbModelPropertyTest.Key;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.testing.Seeds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Seekable forward and reverse iterators against a {@code TreeMap} model: random puts, deletes,
 * batches, flushes and compactions (DbModelPropertyTest's tiny options: 128-byte blocks, 2 KiB
 * memtables, so a range spans memtables, many L0 tables and multi-table runs), and random sequences
 * of next, seek, seekToFirst and seekToLast on iterators of the latest state, of snapshots and of a
 * {@link DbReader}. Writes, flushes and compactions run between the steps of an open iterator
 * (compactions on their own threads), and must stay invisible to it.
 *
 * <p>The model of an iterator is the list of its range's keys in its direction and an index into
 * it: a forward seek moves the index to the first key {@code >=} the target, a reverse one to the
 * first (in descending order) {@code <=} it; seekToFirst moves to the smallest key, seekToLast to
 * the largest, wherever they sit in the list.
 */
class IteratorPropertyTest {
  private static final int RUNS = Boolean.getBoolean("shaledb.long") ? 60 : 6;
  private static final int STEPS = 300;

  /** What the non-vacuity guard counts. */
  private static final class Seen {
    long seeksBetweenKeys;
    long seeksBeforeFirst;
    long seeksAfterLast;
    long reverseStepsOverTables;
    long hiddenTombstones;
    long snapshotIterators;
    long readerIterators;
    long writesUnderOpenIterators;
  }

  @Test
  void matchesTheModel() {
    Seeds.Gen gen = Seeds.gen("IteratorPropertyTest.matchesTheModel");
    Seen seen = new Seen();
    for (int run = 0; run < RUNS; run++) {
      runHistory(gen, seen);
    }
    // Non-vacuity: the interesting cases happened, many times.
    assertThat(seen.seeksBetweenKeys).as("seeks landing between keys").isGreaterThan(RUNS * 20L);
    assertThat(seen.seeksBeforeFirst).as("seeks before the first key").isGreaterThan(RUNS * 3L);
    assertThat(seen.seeksAfterLast).as("seeks after the last key").isGreaterThan(RUNS * 3L);
    assertThat(seen.reverseStepsOverTables)
        .as("reverse steps while the range lay in several tables")
        .isGreaterThan(RUNS * 200L);
    assertThat(seen.hiddenTombstones).as("deleted keys a reverse walk skipped").isPositive();
    assertThat(seen.snapshotIterators).as("iterators at snapshots").isGreaterThan(RUNS * 5L);
    assertThat(seen.readerIterators).as("iterators of a DbReader").isGreaterThan(RUNS * 3L);
    assertThat(seen.writesUnderOpenIterators).as("writes under open iterators").isPositive();
  }

  private static void runHistory(Seeds.Gen gen, Seen seen) {
    InMemoryObjectStore store = new InMemoryObjectStore();
    TreeMap<Key, byte[]> model = new TreeMap<>();
    TreeMap<Key, Boolean> deleted = new TreeMap<>();
    try (Db db = Db.open(store, "db", DbModelPropertyTest.tinyOptions());
        DbReader reader =
            DbReader.open(
                store, "db", DbReaderOptions.builder().pollInterval(Duration.ZERO).build())) {
      for (int step = 0; step < STEPS; step++) {
        int op = gen.intBetween(0, 99);
        if (op < 40) {
          write(gen, db, model, deleted);
        } else if (op < 45) {
          DbModelPropertyTest.randomBatch(gen, db, model);
        } else if (op < 70) {
          checkIterator(gen, db, model, deleted, seen, null, null);
        } else if (op < 82) {
          try (Snapshot snapshot = db.snapshot()) {
            checkIterator(gen, db, model, deleted, seen, snapshot, null);
          }
          seen.snapshotIterators++;
        } else if (op < 88) {
          db.flush(); // everything durable, so the refreshed reader sees the model
          reader.refresh();
          checkIterator(gen, db, model, deleted, seen, null, reader);
          seen.readerIterators++;
        } else if (op < 96) {
          db.flush();
        } else {
          db.flush();
          DbModelPropertyTest.awaitCompactions(db);
        }
      }
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("history failed; replay with -Dseed=" + gen.seed(), e);
    }
  }

  private static void write(
      Seeds.Gen gen, Db db, TreeMap<Key, byte[]> model, TreeMap<Key, Boolean> deleted) {
    byte[] k = DbModelPropertyTest.key(gen);
    if (gen.chance(0.25)) {
      db.delete(k, WriteOptions.noWait());
      if (model.remove(new Key(k)) != null) {
        deleted.put(new Key(k), true);
      }
    } else {
      byte[] v = gen.bytes(gen.skewedLength(120));
      db.put(k, v, WriteOptions.noWait());
      model.put(new Key(k), v);
      deleted.remove(new Key(k));
    }
  }

  /**
   * Opens a forward or reverse iterator (a range or a prefix) on the database, a snapshot of it or
   * the reader, and checks a random sequence of moves against the model as of its opening.
   */
  private static void checkIterator(
      Seeds.Gen gen,
      Db db,
      TreeMap<Key, byte[]> model,
      TreeMap<Key, Boolean> deleted,
      Seen seen,
      Snapshot snapshot,
      DbReader reader) {
    boolean reverse = gen.chance(0.5);
    byte[] start;
    byte[] end;
    boolean prefix = gen.chance(0.15);
    if (prefix) {
      start = ("k" + gen.intBetween(1, 15)).getBytes(StandardCharsets.UTF_8);
      end = prefixEnd(start);
    } else {
      start = gen.chance(0.3) ? null : DbModelPropertyTest.key(gen);
      end = gen.chance(0.3) ? null : DbModelPropertyTest.key(gen);
    }
    NavigableMap<Key, byte[]> range = range(new TreeMap<>(model), start, end);
    List<Map.Entry<Key, byte[]>> order =
        new ArrayList<>((reverse ? range.descendingMap() : range).entrySet());
    ReadOptions options = ReadOptions.defaults().withSnapshot(snapshot);
    boolean overTables = db.stats().l0Tables() + db.stats().sortedRuns() > 1;
    int index = 0;
    try (DbIterator it = open(db, reader, start, end, prefix, reverse, options)) {
      for (int move = gen.intBetween(1, 60); move > 0; move--) {
        int what = gen.intBetween(0, 99);
        if (what < 55) {
          String at = "next at " + index + " of " + order.size() + (reverse ? " (reverse)" : "");
          assertThat(it.hasNext()).as(at).isEqualTo(index < order.size());
          if (index < order.size()) {
            KeyValue kv = it.next();
            Map.Entry<Key, byte[]> e = order.get(index);
            assertThat(name(kv.key())).as(at).isEqualTo(name(e.getKey().bytes()));
            assertThat(kv.value()).as(at + " value").isEqualTo(e.getValue());
            if (reverse && overTables) {
              seen.reverseStepsOverTables++;
            }
            if (reverse && index > 0) {
              Key above = order.get(index - 1).getKey();
              seen.hiddenTombstones +=
                  deleted.subMap(e.getKey(), false, above, false).isEmpty() ? 0 : 1;
            }
            index++;
          }
        } else if (what < 80) {
          byte[] target = seekTarget(gen, range, seen);
          it.seek(target);
          index = seekIndex(order, new Key(target), reverse);
        } else if (what < 87) {
          it.seekToFirst();
          index = reverse ? Math.max(order.size() - 1, 0) : 0;
        } else if (what < 94) {
          it.seekToLast();
          index = reverse ? 0 : Math.max(order.size() - 1, 0);
        } else {
          // A write (and sometimes a flush) the open iterator must not see.
          write(gen, db, model, deleted);
          seen.writesUnderOpenIterators++;
          if (gen.chance(0.2)) {
            db.flush();
          }
        }
      }
    }
  }

  private static DbIterator open(
      Db db,
      DbReader reader,
      byte[] start,
      byte[] end,
      boolean prefix,
      boolean reverse,
      ReadOptions options) {
    if (reader != null) {
      if (prefix) {
        return reverse ? reader.scanPrefixReverse(start) : reader.scanPrefix(start);
      }
      return reverse ? reader.scanReverse(start, end) : reader.scan(start, end);
    }
    if (prefix) {
      return reverse ? db.scanPrefixReverse(start, options) : db.scanPrefix(start, options);
    }
    return reverse ? db.scanReverse(start, end, options) : db.scan(start, end, options);
  }

  /**
   * A seek target: a key of the range, a key between two of its keys, one before its first or after
   * its last, or any key at all (perhaps outside the range).
   */
  private static byte[] seekTarget(Seeds.Gen gen, NavigableMap<Key, byte[]> range, Seen seen) {
    int kind = gen.intBetween(0, 9);
    if (range.isEmpty() || kind >= 8) {
      return DbModelPropertyTest.key(gen);
    }
    List<Key> keys = new ArrayList<>(range.keySet());
    byte[] some = keys.get(gen.intBetween(0, keys.size() - 1)).bytes();
    if (kind < 3) {
      return some;
    }
    if (kind < 6) {
      // Just after a key: between it and the next one.
      byte[] between = java.util.Arrays.copyOf(some, some.length + 1);
      between[some.length] = (byte) gen.intBetween(0, 255);
      Key higher = range.higherKey(new Key(between));
      if (higher != null && !range.containsKey(new Key(between))) {
        seen.seeksBetweenKeys++;
      }
      return between;
    }
    if (kind == 6) {
      seen.seeksBeforeFirst++;
      byte[] first = range.firstKey().bytes();
      return java.util.Arrays.copyOf(first, first.length - 1); // a proper prefix sorts first
    }
    seen.seeksAfterLast++;
    byte[] last = range.lastKey().bytes();
    return java.util.Arrays.copyOf(last, last.length + 1); // last + 0x00
  }

  /** Where the model's cursor lands after a seek: the first key of the order past the target. */
  private static int seekIndex(List<Map.Entry<Key, byte[]>> order, Key target, boolean reverse) {
    int i = 0;
    while (i < order.size()) {
      int c = order.get(i).getKey().compareTo(target);
      if (reverse ? c <= 0 : c >= 0) {
        break;
      }
      i++;
    }
    return i;
  }

  private static NavigableMap<Key, byte[]> range(
      TreeMap<Key, byte[]> model, byte[] start, byte[] end) {
    if (start != null && end != null && new Key(start).compareTo(new Key(end)) >= 0) {
      return new TreeMap<>();
    }
    NavigableMap<Key, byte[]> r = model;
    if (start != null) {
      r = r.tailMap(new Key(start), true);
    }
    if (end != null) {
      r = r.headMap(new Key(end), false);
    }
    return r;
  }

  private static byte[] prefixEnd(byte[] prefix) {
    byte[] end = prefix.clone();
    end[end.length - 1]++; // "k1".."k15": the last byte is a digit, never 0xFF
    return end;
  }

  private static String name(byte[] key) {
    return new String(key, StandardCharsets.ISO_8859_1);
  }
}
