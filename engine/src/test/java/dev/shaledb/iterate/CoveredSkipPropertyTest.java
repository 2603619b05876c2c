package dev.shaledb.iterate;

import static dev.shaledb.iterate.EntryTesting.ORDER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.KeyValue;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.RangeTombstone;
import dev.shaledb.sst.RangeTombstones;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstReader;
import dev.shaledb.testing.Seeds;
import dev.shaledb.view.Memtable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * Seeded model test of scans over range tombstones: sources layered by age (as an LSM tree's are),
 * each with a bound on its sequence numbers, so that {@link MergingIterator#skipOlder} moves the
 * older ones past what a tombstone covers. Every scan, forward and reverse, with and without the
 * bounds, must equal the model, and skipping must visit fewer versions in many cases (the point of
 * it: a range delete is honoured without visiting every covered key). {@code -Dshaledb.long=true}
 * runs more cases; {@code -Dseed=N} replays a run.
 */
class CoveredSkipPropertyTest {
  @Test
  void scansOverTombstonesMatchTheModelAndSkip() {
    Seeds.Gen gen = Seeds.gen("CoveredSkipPropertyTest.scansOverTombstonesMatchTheModelAndSkip");
    int cases = Boolean.getBoolean("shaledb.long") ? 5000 : 400;
    int[] fewer = {0};
    for (int i = 0; i < cases; i++) {
      long caseSeed = gen.random().nextLong();
      checkCase(
          new Seeds.Gen(caseSeed), gen + " case " + i + " (case seed " + caseSeed + ")", fewer);
    }
    assertThat(fewer[0]).as("scans that skipped covered versions").isGreaterThan(cases / 4);
  }

  private static void checkCase(Seeds.Gen g, String label, int[] fewer) {
    List<byte[]> pool = MergedReadPropertyTest.keyPool(g);
    List<SstEntry> versions = new ArrayList<>();
    long seq = 0;
    int ops = g.intBetween(1, 300);
    for (int i = 0; i < ops; i++) {
      seq += g.chance(0.8) ? 1 : g.intBetween(2, 5);
      byte[] key = pool.get(g.intBetween(0, pool.size() - 1));
      versions.add(g.chance(0.2) ? SstEntry.delete(key, seq) : SstEntry.put(key, seq, g.bytes(8)));
    }
    long lastSeq = seq;
    List<RangeTombstone> tombstones = new ArrayList<>();
    int n = g.intBetween(0, 6);
    while (tombstones.size() < n) {
      byte[] a = MergedReadPropertyTest.randomBound(g, pool);
      byte[] b = MergedReadPropertyTest.randomBound(g, pool);
      int c = Arrays.compareUnsigned(a, b);
      if (c != 0 && a.length > 0 && b.length > 0) {
        long at = g.random().nextLong(0, lastSeq + 2);
        tombstones.add(c < 0 ? new RangeTombstone(a, b, at) : new RangeTombstone(b, a, at));
      }
    }
    RangeTombstones set = RangeTombstones.of(tombstones);
    Layers layers = layers(g, versions, pool);
    versions.sort(ORDER);

    for (int q = 0; q < 8; q++) {
      long maxSeq = g.chance(0.2) ? Long.MAX_VALUE : g.random().nextLong(0, lastSeq + 2);
      byte[] start = g.chance(0.4) ? null : MergedReadPropertyTest.randomBound(g, pool);
      byte[] end = g.chance(0.4) ? null : MergedReadPropertyTest.randomBound(g, pool);
      boolean reverse = g.chance(0.5);
      byte[] seekTo = g.chance(0.3) ? MergedReadPropertyTest.randomBound(g, pool) : null;
      String what =
          label
              + " query "
              + q
              + " maxSeq="
              + maxSeq
              + " reverse="
              + reverse
              + " ["
              + MergedReadPropertyTest.hex(start)
              + ", "
              + MergedReadPropertyTest.hex(end)
              + ") seek "
              + MergedReadPropertyTest.hex(seekTo);
      List<KeyValue> expected = model(versions, set, start, end, maxSeq, reverse, seekTo);
      int[] plain = {0};
      int[] skipping = {0};
      assertThat(scan(layers, null, set, start, end, maxSeq, reverse, seekTo, plain))
          .as(what + " without bounds")
          .containsExactlyElementsOf(expected);
      assertThat(scan(layers, layers.maxSeqs, set, start, end, maxSeq, reverse, seekTo, skipping))
          .as(what + " with bounds")
          .containsExactlyElementsOf(expected);
      assertThat(skipping[0]).as(what + " versions visited").isLessThanOrEqualTo(plain[0]);
      if (skipping[0] < plain[0]) {
        fewer[0]++;
      }
    }
  }

  private static List<KeyValue> scan(
      Layers layers,
      long[] maxSeqs,
      RangeTombstones set,
      byte[] start,
      byte[] end,
      long maxSeq,
      boolean reverse,
      byte[] seekTo,
      int[] visited) {
    EntryTesting.Probe source =
        new EntryTesting.Probe(new MergingIterator(layers.sources.apply(maxSeq), maxSeqs));
    VisibleIterator.Tombstones t =
        new VisibleIterator.Tombstones() {
          @Override
          public long coveringSeq(byte[] key, long max) {
            return set.coveringSeq(key, max);
          }

          @Override
          public byte[] coveredUntil(byte[] key, long seq, long max) {
            return set.coveredUntil(key, seq, max);
          }

          @Override
          public byte[] coveredFrom(byte[] key, long seq, long max) {
            return set.coveredFrom(key, seq, max);
          }
        };
    try (VisibleIterator it =
        new VisibleIterator(
            source, start, end, maxSeq, reverse, new ValueFold(null, Long.MIN_VALUE), t)) {
      if (seekTo != null) {
        it.seek(seekTo);
      }
      List<KeyValue> out = EntryTesting.drain(it);
      visited[0] = source.moves;
      return out;
    }
  }

  /** Visible keys at maxSeq: the newest version, unless a newer tombstone covers the key. */
  private static List<KeyValue> model(
      List<SstEntry> sortedVersions,
      RangeTombstones set,
      byte[] start,
      byte[] end,
      long maxSeq,
      boolean reverse,
      byte[] seekTo) {
    TreeMap<byte[], SstEntry> newest = new TreeMap<>(EntryTesting.UNSIGNED);
    for (SstEntry e : sortedVersions) {
      if (e.seq() <= maxSeq) {
        newest.putIfAbsent(e.key(), e);
      }
    }
    List<KeyValue> out = new ArrayList<>();
    for (SstEntry e : newest.values()) {
      byte[] k = e.key();
      boolean inRange =
          (start == null || Arrays.compareUnsigned(k, start) >= 0)
              && (end == null || Arrays.compareUnsigned(k, end) < 0)
              && (seekTo == null
                  || (reverse
                      ? Arrays.compareUnsigned(k, seekTo) <= 0
                      : Arrays.compareUnsigned(k, seekTo) >= 0));
      boolean live = e.kind() == EntryKind.PUT && set.coveringSeq(k, maxSeq) <= e.seq();
      if (inRange && live) {
        out.add(new KeyValue(k, e.value()));
      }
    }
    if (reverse) {
      Collections.reverse(out);
    }
    return out;
  }

  /** Sources made of age layers, newest first, and each one's bound on sequence numbers. */
  private record Layers(LongFunction<List<EntryIterator>> sources, long[] maxSeqs) {}

  /**
   * Splits the versions, in seq order, into up to four layers of consecutive seqs; each becomes a
   * memtable, a table or a sorted run. A memtable's bound is sometimes unknown (MAX_VALUE).
   */
  private static Layers layers(Seeds.Gen g, List<SstEntry> bySeq, List<byte[]> pool) {
    int count = g.intBetween(1, 4);
    List<Integer> cuts = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      cuts.add(g.intBetween(0, bySeq.size()));
    }
    cuts.add(0);
    cuts.add(bySeq.size());
    Collections.sort(cuts);
    List<LongFunction<EntryIterator>> children = new ArrayList<>();
    List<Long> bounds = new ArrayList<>();
    for (int i = cuts.size() - 2; i >= 0; i--) { // newest layer first
      List<SstEntry> part = new ArrayList<>(bySeq.subList(cuts.get(i), cuts.get(i + 1)));
      long bound = part.isEmpty() ? 0 : part.get(part.size() - 1).seq();
      int kind = part.isEmpty() ? 0 : g.intBetween(0, 2);
      switch (kind) {
        case 0 -> {
          Memtable m = EntryTesting.memtable(part);
          children.add(m::iterator);
          bounds.add(g.chance(0.5) ? Long.MAX_VALUE : bound);
        }
        case 1 -> {
          SstReader reader = EntryTesting.table("t" + i, part);
          children.add(s -> Iterators.of(reader.iterator(s)));
          bounds.add(bound);
        }
        default -> {
          children.add(MergedReadPropertyTest.sortedRun(g, "r" + i, part, pool));
          bounds.add(bound);
        }
      }
    }
    LongFunction<List<EntryIterator>> sources =
        s -> {
          List<EntryIterator> out = new ArrayList<>();
          for (LongFunction<EntryIterator> child : children) {
            out.add(child.apply(s));
          }
          return out;
        };
    return new Layers(sources, bounds.stream().mapToLong(Long::longValue).toArray());
  }
}
