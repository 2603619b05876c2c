package dev.shaledb.iterate;

import static dev.shaledb.iterate.EntryTesting.ORDER;
import static dev.shaledb.iterate.EntryTesting.UNSIGNED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.KeyValue;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstReader;
import dev.shaledb.testing.Seeds;
import dev.shaledb.view.Memtable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * Seeded model test of the whole read path: random puts and deletes spread over memtables, tables
 * and sorted runs, merged and read at random snapshots and bounds, must equal a TreeMap model.
 * {@code -Dshaledb.long=true} runs many more cases; {@code -Dseed=N} replays a run.
 */
class MergedReadPropertyTest {
  private static final boolean LONG = Boolean.getBoolean("shaledb.long");
  private static final int[] ALPHABET = {0x00, 0x01, 0x41, 0x42, 0x7F, 0x80, 0xFE, 0xFF};

  @Test
  void mergedSourcesMatchTheModel() {
    Seeds.Gen gen = Seeds.gen("MergedReadPropertyTest.mergedSourcesMatchTheModel");
    int cases = LONG ? 5000 : 300;
    for (int i = 0; i < cases; i++) {
      long caseSeed = gen.random().nextLong();
      checkCase(new Seeds.Gen(caseSeed), gen + " case " + i + " (case seed " + caseSeed + ")");
    }
  }

  private static void checkCase(Seeds.Gen g, String label) {
    List<byte[]> pool = keyPool(g);
    List<SstEntry> versions = randomVersions(g, pool);
    long lastSeq = versions.isEmpty() ? 0 : versions.get(versions.size() - 1).seq();
    LongFunction<List<EntryIterator>> sources = buildSources(g, versions, pool);
    versions.sort(ORDER);

    for (int q = 0; q < 12; q++) {
      long maxSeq = g.chance(0.1) ? Long.MAX_VALUE : g.intBetween(0, (int) lastSeq + 1);
      // Sources may hold versions above the reader's snapshot; the visible view must skip them.
      long sourceSeq = g.chance(0.3) ? Long.MAX_VALUE : maxSeq;
      byte[] start = g.chance(0.3) ? null : randomBound(g, pool);
      byte[] end = g.chance(0.3) ? null : randomBound(g, pool);
      String what = label + " query " + q + " maxSeq=" + maxSeq + " sourceSeq=" + sourceSeq;

      List<KeyValue> actual;
      try (VisibleIterator it =
          new VisibleIterator(new MergingIterator(sources.apply(sourceSeq)), start, end, maxSeq)) {
        actual = EntryTesting.drain(it);
      }
      List<KeyValue> visible = EntryTesting.visibleAt(versions, start, end, maxSeq);
      assertThat(actual)
          .as(what + " bounds [" + hex(start) + ", " + hex(end) + ")")
          .containsExactlyElementsOf(visible);

      List<KeyValue> reversed;
      try (VisibleIterator it =
          new VisibleIterator(
              new MergingIterator(sources.apply(sourceSeq)), start, end, maxSeq, true)) {
        reversed = EntryTesting.drain(it);
      }
      List<KeyValue> descending = new ArrayList<>(visible);
      Collections.reverse(descending);
      assertThat(reversed)
          .as(what + " reverse bounds [" + hex(start) + ", " + hex(end) + ")")
          .containsExactlyElementsOf(descending);

      checkSeeks(g, sources, versions, maxSeq, what);
      checkBackwardSeeks(g, sources, versions, maxSeq, what);
    }
  }

  private static void checkSeeks(
      Seeds.Gen g,
      LongFunction<List<EntryIterator>> sources,
      List<SstEntry> versions,
      long maxSeq,
      String what) {
    List<SstEntry> expected = EntryTesting.versionsAt(versions, maxSeq);
    try (MergingIterator it = new MergingIterator(sources.apply(maxSeq))) {
      assertThat(EntryTesting.drainFromFirst(it)).as(what + " full walk").isEqualTo(expected);
      for (int s = 0; s < 4; s++) {
        byte[] target = randomBound(g, List.of());
        int from = 0;
        while (from < expected.size()
            && Arrays.compareUnsigned(expected.get(from).key(), target) < 0) {
          from++;
        }
        it.seek(target);
        int steps = g.intBetween(0, 12);
        List<SstEntry> got = new ArrayList<>();
        for (int i = 0; i < steps && it.isValid(); i++) {
          got.add(new SstEntry(it.key(), it.seq(), it.kind(), it.value(), SstEntry.NO_EXPIRY));
          it.next();
        }
        int to = Math.min(expected.size(), from + steps);
        assertThat(got).as(what + " seek " + hex(target)).isEqualTo(expected.subList(from, to));
        assertThat(it.isValid())
            .as(what + " valid after seek " + hex(target))
            .isEqualTo(to < expected.size());
      }
    }
  }

  /**
   * Every source alone and the merge, walked backward from seekToLast and from seekBefore(target),
   * must give the forward walk's versions in reverse: keys descending, versions oldest first.
   */
  private static void checkBackwardSeeks(
      Seeds.Gen g,
      LongFunction<List<EntryIterator>> sources,
      List<SstEntry> versions,
      long maxSeq,
      String what) {
    List<EntryIterator> alone = sources.apply(maxSeq);
    for (int c = 0; c < alone.size(); c++) {
      try (EntryIterator it = alone.get(c)) {
        List<SstEntry> forward = EntryTesting.drainFromFirst(it);
        Collections.reverse(forward);
        it.seekToLast();
        assertThat(drainBackward(it, Integer.MAX_VALUE))
            .as(what + " source " + c + " backward")
            .isEqualTo(forward);
      }
    }
    List<SstEntry> expected = EntryTesting.versionsAt(versions, maxSeq);
    List<SstEntry> descending = new ArrayList<>(expected);
    Collections.reverse(descending);
    try (MergingIterator it = new MergingIterator(sources.apply(maxSeq))) {
      it.seekToLast();
      assertThat(drainBackward(it, Integer.MAX_VALUE))
          .as(what + " full backward walk")
          .isEqualTo(descending);
      for (int s = 0; s < 4; s++) {
        byte[] target = randomBound(g, List.of());
        int from = 0; // the first entry of the descending list whose key is < target
        while (from < descending.size()
            && Arrays.compareUnsigned(descending.get(from).key(), target) >= 0) {
          from++;
        }
        it.seekBefore(target);
        int steps = g.intBetween(0, 12);
        int to = Math.min(descending.size(), from + steps);
        assertThat(drainBackward(it, steps))
            .as(what + " seekBefore " + hex(target))
            .isEqualTo(descending.subList(from, to));
        assertThat(it.isValid())
            .as(what + " valid after seekBefore " + hex(target))
            .isEqualTo(to < descending.size());
      }
    }
  }

  private static List<SstEntry> drainBackward(EntryIterator it, int steps) {
    List<SstEntry> got = new ArrayList<>();
    for (int i = 0; i < steps && it.isValid(); i++) {
      got.add(new SstEntry(it.key(), it.seq(), it.kind(), it.value(), SstEntry.NO_EXPIRY));
      it.prev();
    }
    return got;
  }

  static List<byte[]> keyPool(Seeds.Gen g) {
    TreeSet<byte[]> keys = new TreeSet<>(UNSIGNED);
    int n = g.intBetween(1, 40);
    while (keys.size() < n) {
      byte[] k = new byte[g.intBetween(1, 3)];
      for (int i = 0; i < k.length; i++) {
        k[i] = (byte) ALPHABET[g.intBetween(0, ALPHABET.length - 1)];
      }
      keys.add(k);
    }
    return new ArrayList<>(keys);
  }

  /** Puts and deletes in seq order, with gaps in the sequence numbers. */
  private static List<SstEntry> randomVersions(Seeds.Gen g, List<byte[]> pool) {
    List<SstEntry> out = new ArrayList<>();
    int ops = g.intBetween(0, 300);
    long seq = 0;
    for (int i = 0; i < ops; i++) {
      seq += g.chance(0.8) ? 1 : g.intBetween(2, 5);
      byte[] key = pool.get(g.intBetween(0, pool.size() - 1));
      out.add(
          g.chance(0.3)
              ? SstEntry.delete(key, seq)
              : SstEntry.put(key, seq, g.bytes(g.skewedLength(40))));
    }
    return out;
  }

  /**
   * Spreads the versions over memtables, standalone tables and sorted runs (a few copied into a
   * second source, as during a flush) and returns a factory of fresh children at a snapshot.
   */
  private static LongFunction<List<EntryIterator>> buildSources(
      Seeds.Gen g, List<SstEntry> versions, List<byte[]> pool) {
    int memtables = g.intBetween(0, 3);
    int tables = g.intBetween(0, 3);
    int runs = g.intBetween(0, 2);
    if (memtables + tables + runs == 0) {
      memtables = 1;
    }
    int sourceCount = memtables + tables + runs;
    List<List<SstEntry>> parts = new ArrayList<>();
    for (int i = 0; i < sourceCount; i++) {
      parts.add(new ArrayList<>());
    }
    for (SstEntry e : versions) {
      int first = g.intBetween(0, sourceCount - 1);
      parts.get(first).add(e);
      if (sourceCount > 1 && g.chance(0.05)) {
        parts.get((first + g.intBetween(1, sourceCount - 1)) % sourceCount).add(e);
      }
    }

    List<LongFunction<EntryIterator>> children = new ArrayList<>();
    for (int i = 0; i < memtables; i++) {
      Memtable m = EntryTesting.memtable(parts.get(i));
      children.add(m::iterator);
    }
    for (int i = memtables; i < memtables + tables; i++) {
      if (parts.get(i).isEmpty()) {
        children.add(seq -> Iterators.empty());
      } else {
        SstReader reader = EntryTesting.table("t" + i, parts.get(i));
        children.add(seq -> Iterators.of(reader.iterator(seq)));
      }
    }
    for (int i = memtables + tables; i < sourceCount; i++) {
      children.add(sortedRun(g, "r" + i, parts.get(i), pool));
    }
    return seq -> {
      List<EntryIterator> out = new ArrayList<>();
      for (LongFunction<EntryIterator> child : children) {
        out.add(child.apply(seq));
      }
      return out;
    };
  }

  /** Splits the entries into tables at random pool keys; checks one table is open at a time. */
  static LongFunction<EntryIterator> sortedRun(
      Seeds.Gen g, String name, List<SstEntry> entries, List<byte[]> pool) {
    TreeSet<byte[]> splits = new TreeSet<>(UNSIGNED);
    int splitCount = g.intBetween(0, 3);
    for (int i = 0; i < splitCount; i++) {
      splits.add(pool.get(g.intBetween(0, pool.size() - 1)));
    }
    Map<byte[], List<SstEntry>> byFirstKey = new TreeMap<>(UNSIGNED);
    for (SstEntry e : entries) {
      byte[] floor = splits.floor(e.key());
      byFirstKey
          .computeIfAbsent(floor == null ? new byte[0] : floor, k -> new ArrayList<>())
          .add(e);
    }
    List<TableInfo> infos = new ArrayList<>();
    Map<String, SstReader> readers = new HashMap<>();
    for (List<SstEntry> part : byFirstKey.values()) {
      part.sort(ORDER);
      String id = name + "-" + infos.size();
      SstReader reader = EntryTesting.table(id, part);
      readers.put(id, reader);
      long minSeq = part.stream().mapToLong(SstEntry::seq).min().orElseThrow();
      long maxSeq = part.stream().mapToLong(SstEntry::seq).max().orElseThrow();
      infos.add(
          new TableInfo(
              id,
              reader.objectSize(),
              part.get(0).key(),
              part.get(part.size() - 1).key(),
              minSeq,
              maxSeq,
              0));
    }
    int[] open = {0};
    return seq ->
        new SortedRunIterator(
            infos,
            info -> {
              assertThat(open[0]).as("tables open in run " + name).isZero();
              open[0]++;
              EntryTesting.Probe table =
                  new EntryTesting.Probe(Iterators.of(readers.get(info.id()).iterator(seq)));
              table.onClose = () -> open[0]--;
              return table;
            });
  }

  /** A pool key, a key between pool keys, or the empty key. */
  static byte[] randomBound(Seeds.Gen g, List<byte[]> pool) {
    if (!pool.isEmpty() && g.chance(0.5)) {
      return pool.get(g.intBetween(0, pool.size() - 1));
    }
    byte[] k = new byte[g.intBetween(0, 3)];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) ALPHABET[g.intBetween(0, ALPHABET.length - 1)];
    }
    return k;
  }

  static String hex(byte[] b) {
    return b == null ? "null" : "0x" + HexFormat.of().formatHex(b);
  }
}
