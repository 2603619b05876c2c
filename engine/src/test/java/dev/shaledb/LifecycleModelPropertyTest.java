package dev.shaledb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.testing.Seeds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Merges, times to live and range deletes against a simple model: every write kept as a version
 * (sequence number, kind, value, expiry) and every range delete as a range, a read folding them by
 * brute force. Sequence numbers are the engine's (one per entry, counted here), so snapshots are
 * checked exactly. The operator is not associative, so a fold in the wrong order or over the wrong
 * base shows. The clock is injected and moves in steps around the expiries; flushes, compactions
 * (with no expiry grace) and reopens run in between.
 */
class LifecycleModelPropertyTest {
  private static final int RUNS = Boolean.getBoolean("shaledb.long") ? 100 : 10;
  private static final int STEPS = 350;

  /** "(" + base + "+" + op + ")": order and grouping both show in the result. */
  static final MergeOperator NESTING =
      (key, base, operands) -> {
        String v = base == null ? "_" : new String(base, StandardCharsets.UTF_8);
        for (byte[] op : operands) {
          v = "(" + v + "+" + new String(op, StandardCharsets.UTF_8) + ")";
        }
        return v.getBytes(StandardCharsets.UTF_8);
      };

  record Version(String key, long seq, char kind, String value, long expireAt) {}

  record Range(String start, String end, long seq) {}

  /** The model: what was written, and when. */
  static final class Model {
    final List<Version> versions = new ArrayList<>();
    final List<Range> ranges = new ArrayList<>();
    long seq;

    /** The value of {@code key} to a reader at {@code snapshot} and {@code now}. */
    String read(String key, long snapshot, long now) {
      List<Version> mine = new ArrayList<>();
      for (Version v : versions) {
        if (v.key().equals(key) && v.seq() <= snapshot) {
          mine.add(v);
        }
      }
      for (Range r : ranges) {
        if (r.seq() <= snapshot && r.start().compareTo(key) <= 0 && key.compareTo(r.end()) < 0) {
          mine.add(new Version(key, r.seq(), 'D', null, -1));
        }
      }
      mine.sort(Comparator.comparingLong(Version::seq).reversed());
      List<String> ops = new ArrayList<>();
      String base = null;
      for (Version v : mine) {
        boolean expired = v.expireAt() >= 0 && v.expireAt() <= now;
        if (v.kind() == 'M' && !expired) {
          ops.add(0, v.value());
          continue;
        }
        base = v.kind() == 'P' && !expired ? v.value() : null;
        break;
      }
      if (ops.isEmpty()) {
        return base;
      }
      String out = base == null ? "_" : base;
      for (String op : ops) {
        out = "(" + out + "+" + op + ")";
      }
      return out;
    }

    TreeSet<String> keys() {
      TreeSet<String> all = new TreeSet<>();
      versions.forEach(v -> all.add(v.key()));
      return all;
    }
  }

  @Test
  void historiesMatchTheModel() {
    Seeds.Gen gen = Seeds.gen("LifecycleModelPropertyTest.historiesMatchTheModel");
    for (int run = 0; run < RUNS; run++) {
      runHistory(gen);
    }
  }

  private void runHistory(Seeds.Gen gen) {
    InMemoryObjectStore store = new InMemoryObjectStore();
    ManualClock clock = new ManualClock(Instant.parse("2026-12-05T00:00:00Z"));
    DbOptions options =
        DbModelPropertyTest.tinyOptions().toBuilder()
            .clock(clock)
            .mergeOperator(NESTING)
            .compaction(DbModelPropertyTest.tinyCompaction().expiryGrace(Duration.ZERO).build())
            .build();
    Model model = new Model();
    Db db = Db.open(store, "db", options);
    // A snapshot held over part of the history keeps tombstones and what they hide in the runs.
    Snapshot pin = null;
    int unpinAt = gen.intBetween(STEPS / 2, STEPS);
    try {
      for (int step = 0; step < STEPS; step++) {
        if (step == 20 && gen.chance(0.7)) {
          pin = db.snapshot();
        }
        if (step == unpinAt && pin != null) {
          pin.close();
          pin = null;
        }
        int op = gen.intBetween(0, 99);
        long now = clock.millis();
        if (op < 25) {
          String k = key(gen);
          String v = "v" + step;
          Duration ttl = ttl(gen);
          db.write(
              ttl == null
                  ? new WriteBatch().put(b(k), b(v))
                  : new WriteBatch().put(b(k), b(v), ttl));
          model.versions.add(new Version(k, ++model.seq, 'P', v, expiry(now, ttl)));
        } else if (op < 45) {
          String k = key(gen);
          String v = "m" + step;
          Duration ttl = gen.chance(0.2) ? ttl(gen) : null;
          db.write(
              ttl == null
                  ? new WriteBatch().merge(b(k), b(v))
                  : new WriteBatch().merge(b(k), b(v), ttl),
              WriteOptions.noWait());
          model.versions.add(new Version(k, ++model.seq, 'M', v, expiry(now, ttl)));
        } else if (op < 50) {
          String k = key(gen);
          db.delete(b(k), WriteOptions.noWait());
          model.versions.add(new Version(k, ++model.seq, 'D', null, -1));
        } else if (op < 55) {
          String a = key(gen);
          String z = key(gen);
          if (a.compareTo(z) > 0) {
            String t = a;
            a = z;
            z = t;
          }
          if (a.equals(z)) {
            z = z + "~";
          }
          db.deleteRange(b(a), b(z), WriteOptions.noWait());
          model.ranges.add(new Range(a, z, ++model.seq));
        } else if (op < 58) {
          // A batch: a range delete and writes after it, in one atomic write.
          String a = key(gen);
          String k = key(gen);
          WriteBatch batch =
              new WriteBatch().deleteRange(b(a), b(a + "5")).merge(b(k), b("b" + step));
          db.write(batch, WriteOptions.noWait());
          model.ranges.add(new Range(a, a + "5", ++model.seq));
          model.versions.add(new Version(k, ++model.seq, 'M', "b" + step, -1));
        } else if (op < 72) {
          String k = key(gen);
          assertThat(str(db.get(b(k))))
              .as("get %s at %d", k, now)
              .isEqualTo(model.read(k, model.seq, now));
        } else if (op < 82) {
          checkScan(gen, db, model, now, null);
        } else if (op < 85) {
          try (Snapshot s = db.snapshot()) {
            assertThat(s.sequence()).isEqualTo(model.seq);
            long at = s.sequence();
            // Later writes do not show in it.
            db.merge(b("k1"), b("late"), WriteOptions.noWait());
            model.versions.add(new Version("k1", ++model.seq, 'M', "late", -1));
            checkScan(gen, db, model, now, s);
            String k = key(gen);
            assertThat(str(db.get(b(k), ReadOptions.defaults().withSnapshot(s))))
                .isEqualTo(model.read(k, at, now));
          }
        } else if (op < 90) {
          clock.advance(Duration.ofMillis(gen.intBetween(1, 400)));
        } else if (op < 94) {
          db.engine().flushMemtables();
        } else if (op < 97) {
          DbModelPropertyTest.awaitCompactions(db);
        } else if (pin == null) {
          db.close();
          db = Db.open(store, "db", options);
        }
      }
      if (pin != null) {
        checkScan(gen, db, model, clock.millis(), null);
        pin.close();
        pin = null;
      }
      db.engine().flushMemtables();
      DbModelPropertyTest.awaitCompactions(db);
      checkScan(gen, db, model, clock.millis(), null);
      checkAll(db, model, clock.millis());
      clock.advance(Duration.ofSeconds(5)); // everything with a TTL has expired
      db.put(b("zz"), b("x"));
      db.engine().flushMemtables();
      DbModelPropertyTest.awaitCompactions(db);
      checkAll(db, model, clock.millis());
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("history failed; replay with -Dseed=" + gen.seed(), e);
    } finally {
      if (pin != null) {
        pin.close();
      }
      db.close();
    }
  }

  private static void checkAll(Db db, Model model, long now) {
    List<byte[]> keys = new ArrayList<>();
    model.keys().forEach(k -> keys.add(b(k)));
    List<byte[]> got = db.multiGet(keys);
    for (int i = 0; i < keys.size(); i++) {
      String k = str(keys.get(i));
      assertThat(str(got.get(i))).as("multiGet %s", k).isEqualTo(model.read(k, model.seq, now));
    }
  }

  private static void checkScan(Seeds.Gen gen, Db db, Model model, long now, Snapshot s) {
    long at = s == null ? model.seq : s.sequence();
    ReadOptions read = s == null ? ReadOptions.defaults() : ReadOptions.defaults().withSnapshot(s);
    String start = gen.chance(0.3) ? null : key(gen);
    String end = gen.chance(0.3) ? null : key(gen);
    List<String> expected = new ArrayList<>();
    for (String k : model.keys()) {
      boolean in =
          (start == null || k.compareTo(start) >= 0) && (end == null || k.compareTo(end) < 0);
      String v = in ? model.read(k, at, now) : null;
      if (v != null) {
        expected.add(k + "=" + v);
      }
    }
    boolean reverse = gen.chance(0.4);
    List<String> got = new ArrayList<>();
    byte[] from = start == null ? null : b(start);
    byte[] to = end == null ? null : b(end);
    try (DbIterator it = reverse ? db.scanReverse(from, to, read) : db.scan(from, to, read)) {
      it.forEachRemaining(kv -> got.add(str(kv.key()) + "=" + str(kv.value())));
    }
    if (reverse) {
      java.util.Collections.reverse(got);
    }
    assertThat(got)
        .as("scan [%s, %s) reverse=%s at %d", start, end, reverse, now)
        .isEqualTo(expected);
  }

  private static Duration ttl(Seeds.Gen gen) {
    return gen.chance(0.4) ? Duration.ofMillis(gen.intBetween(1, 1500)) : null;
  }

  private static long expiry(long now, Duration ttl) {
    return ttl == null ? -1 : now + ttl.toMillis();
  }

  static String key(Seeds.Gen gen) {
    return "k" + gen.intBetween(0, 60);
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String str(byte[] v) {
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  static {
    // Keys compare as strings here and as unsigned bytes in the engine: the same for ASCII.
    assert Arrays.compareUnsigned(b("k1"), b("k10")) < 0;
  }
}
