package dev.shaledb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.testing.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Random lifetimes against {@code TreeMap} models, most of them in bulk-load mode: puts, deletes,
 * batches and bursts of puts (never durable), reads checked against everything accepted, flushes,
 * clean reopens in either mode and crashes. Tiny memtables make full ones flush by themselves, so a
 * crash of a bulk loader keeps a part of its unflushed writes. The rule checked after every crash:
 * the database holds exactly the writes whose sequence numbers the published manifest covers, and
 * at least those the crashed loader had reported durable. A failing history prints its seed ({@code
 * -Dseed=...} replays it).
 */
class BulkLoadModelPropertyTest {
  private static final int RUNS = Boolean.getBoolean("shaledb.long") ? 100 : 6;
  private static final int STEPS = 300;

  /** One operation of a write: a put, or a delete if {@code value} is null. */
  private record Change(byte[] key, byte[] value) {}

  /** One accepted operation with its sequence number. */
  private record Op(String key, byte[] value, long seq) {}

  private int crashes;
  private int bulkCrashesThatLostWrites;
  private int bulkCrashesThatKeptUnflushedWrites;

  @Test
  void inMemoryStore() {
    Seeds.Gen gen = Seeds.gen("BulkLoadModelPropertyTest.inMemoryStore");
    for (int run = 0; run < RUNS; run++) {
      runHistory(gen, new InMemoryObjectStore());
    }
    System.out.printf(
        "%d crashes; %d bulk crashes lost writes, %d kept writes only a full memtable's flush"
            + " published%n",
        crashes, bulkCrashesThatLostWrites, bulkCrashesThatKeptUnflushedWrites);
    // Non-vacuity: crashes lost writes, and background flushes had published some beyond flush().
    assertThat(crashes).as("crashes").isPositive();
    assertThat(bulkCrashesThatLostWrites).as("bulk crashes that lost writes").isPositive();
    assertThat(bulkCrashesThatKeptUnflushedWrites)
        .as("bulk crashes after which writes no flush() covered were there")
        .isPositive();
  }

  private void runHistory(Seeds.Gen gen, InMemoryObjectStore base) {
    // What is durable for sure, and the writes accepted since, in order.
    TreeMap<String, byte[]> durable = new TreeMap<>();
    List<Op> pending = new ArrayList<>();
    boolean bulk = true;
    CrashableStore store = new CrashableStore(base);
    Db db = Db.open(store, "db", options(bulk));
    try {
      for (int step = 0; step < STEPS; step++) {
        int op = gen.intBetween(0, 99);
        if (op < 35) {
          write(db, List.of(new Change(key(gen), value(gen))), pending);
        } else if (op < 45) {
          write(db, List.of(new Change(key(gen), null)), pending);
        } else if (op < 52) {
          List<Change> batch = new ArrayList<>();
          for (int i = gen.intBetween(1, 6); i > 0; i--) {
            batch.add(new Change(key(gen), gen.chance(0.3) ? null : value(gen)));
          }
          write(db, batch, pending);
        } else if (op < 57) {
          // A burst, as a loader writes: it fills memtables, which then flush by themselves.
          for (int i = gen.intBetween(10, 60); i > 0; i--) {
            write(db, List.of(new Change(key(gen), value(gen))), pending);
          }
        } else if (op < 77) {
          String k = new String(key(gen), StandardCharsets.UTF_8);
          assertThat(db.get(bytes(k))).as("get %s", k).isEqualTo(visible(durable, pending).get(k));
        } else if (op < 83) {
          checkScan(db, visible(durable, pending));
        } else if (op < 89) {
          db.flush();
          apply(durable, pending, Long.MAX_VALUE);
        } else if (op < 95) {
          db.close();
          apply(durable, pending, Long.MAX_VALUE);
          bulk = gen.chance(0.75);
          db = Db.open(store, "db", options(bulk));
        } else {
          boolean crashedBulk = bulk;
          long reported = crash(store, db, crashedBulk);
          bulk = gen.chance(0.75);
          store = new CrashableStore(base);
          db = Db.open(store, "db", options(bulk));
          // What the reopen recovered, from tables and the WAL, and what the tables hold.
          long recovered = db.stats().lastSequence();
          long published = db.engine().manifestState().lastFlushedSeq();
          afterCrash(durable, pending, crashedBulk, reported, recovered, published);
          checkScan(db, durable);
        }
      }
      checkScan(db, visible(durable, pending));
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("history failed; replay with -Dseed=" + gen.seed(), e);
    } finally {
      db.close();
    }
  }

  /**
   * Before a crash of a normal-mode writer the harness makes the WAL durable, so nothing is lost; a
   * bulk loader keeps exactly what its published flushes hold. Returns what the crashed writer had
   * reported durable.
   */
  private long crash(CrashableStore store, Db db, boolean bulk) {
    if (!bulk) {
      db.flush();
    }
    store.crash();
    long reported = db.stats().durableSequence();
    try {
      db.close();
    } catch (RuntimeException expected) {
      // The store is dead, so the close's uploads fail.
    }
    crashes++;
    return reported;
  }

  /**
   * Checks what survived the crash of a writer that had reported {@code reported} durable, given
   * that the reopen recovered through {@code recovered} and the tables hold through {@code
   * published}, and moves what survived into {@code durable}.
   */
  private void afterCrash(
      TreeMap<String, byte[]> durable,
      List<Op> pending,
      boolean wasBulk,
      long reported,
      long recovered,
      long published) {
    assertThat(recovered)
        .as("what the crashed writer reported durable")
        .isGreaterThanOrEqualTo(reported);
    if (pending.isEmpty()) {
      return;
    }
    long first = pending.get(0).seq();
    long last = pending.get(pending.size() - 1).seq();
    if (!wasBulk) {
      // Its WAL was made durable before the crash: everything is replayed.
      assertThat(recovered).isEqualTo(last);
    } else if (recovered >= first) {
      // A bulk loader's writes reach only tables: those that survived are the published ones.
      assertThat(recovered).as("the loader's writes that survived").isEqualTo(published);
      // Pending writes are those since the last flush() or close: a full memtable's own flush
      // published these.
      bulkCrashesThatKeptUnflushedWrites++;
    }
    if (wasBulk && recovered < last) {
      bulkCrashesThatLostWrites++;
    }
    apply(durable, pending, recovered);
  }

  private static DbOptions options(boolean bulk) {
    return DbModelPropertyTest.tinyOptions().toBuilder().bulkLoad(bulk).build();
  }

  /** Writes {@code changes} as one batch, never durable, and records them with their numbers. */
  private static void write(Db db, List<Change> changes, List<Op> pending) {
    WriteBatch batch = new WriteBatch();
    for (Change c : changes) {
      if (c.value() == null) {
        batch.delete(c.key());
      } else {
        batch.put(c.key(), c.value());
      }
    }
    db.write(batch, WriteOptions.noWait());
    // One thread writes: the batch's operations got consecutive sequence numbers ending at the
    // last one, a later operation on a key winning, as in the engine.
    long seq = db.stats().lastSequence() - changes.size() + 1;
    for (Change c : changes) {
      pending.add(new Op(new String(c.key(), StandardCharsets.UTF_8), c.value(), seq++));
    }
  }

  /** Moves the pending writes with sequence numbers up to {@code through} into {@code durable}. */
  private static void apply(TreeMap<String, byte[]> durable, List<Op> pending, long through) {
    for (Op op : pending) {
      if (op.seq() <= through) {
        if (op.value() == null) {
          durable.remove(op.key());
        } else {
          durable.put(op.key(), op.value());
        }
      }
    }
    pending.clear();
  }

  private static TreeMap<String, byte[]> visible(TreeMap<String, byte[]> durable, List<Op> ops) {
    TreeMap<String, byte[]> out = new TreeMap<>(durable);
    for (Op op : ops) {
      if (op.value() == null) {
        out.remove(op.key());
      } else {
        out.put(op.key(), op.value());
      }
    }
    return out;
  }

  private static void checkScan(Db db, TreeMap<String, byte[]> expected) {
    List<String> actual = new ArrayList<>();
    try (DbIterator it = db.scan(null, null)) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        String k = new String(kv.key(), StandardCharsets.UTF_8);
        actual.add(k);
        assertThat(kv.value()).as("value of %s", k).isEqualTo(expected.get(k));
      }
    }
    assertThat(actual).isEqualTo(new ArrayList<>(expected.keySet()));
    for (Map.Entry<String, byte[]> e : expected.entrySet()) {
      assertThat(Arrays.equals(db.get(bytes(e.getKey())), e.getValue())).as(e.getKey()).isTrue();
    }
  }

  private static byte[] key(Seeds.Gen gen) {
    return bytes("k" + gen.intBetween(0, 150));
  }

  private static byte[] value(Seeds.Gen gen) {
    return gen.bytes(gen.skewedLength(200));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
