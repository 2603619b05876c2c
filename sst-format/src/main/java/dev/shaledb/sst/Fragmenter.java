package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

import dev.shaledb.sst.RangeTombstones.Fragment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Cuts overlapping range tombstones into the canonical fragments of {@link RangeTombstones}: a
 * sweep over the sorted starts and ends, keeping the tombstones that cover the current point in a
 * heap by end and their seqs in a counted multiset. Sorting costs O(n log n); writing the fragments
 * costs their size, which is the number of (fragment, seq) pairs.
 */
final class Fragmenter {
  private static final Comparator<byte[]> KEYS = Arrays::compareUnsigned;

  private Fragmenter() {}

  static List<Fragment> fragment(Collection<RangeTombstone> tombstones) {
    List<RangeTombstone> byStart = new ArrayList<>(tombstones.size());
    for (RangeTombstone t : tombstones) {
      byStart.add(requireNonNull(t, "tombstone is null"));
    }
    byStart.sort((a, b) -> KEYS.compare(a.start(), b.start()));
    List<byte[]> points = new ArrayList<>(2 * byStart.size());
    for (RangeTombstone t : byStart) {
      points.add(t.start());
      points.add(t.end());
    }
    points.sort(KEYS);

    PriorityQueue<RangeTombstone> active =
        new PriorityQueue<>((a, b) -> KEYS.compare(a.end(), b.end()));
    TreeMap<Long, Integer> seqs = new TreeMap<>(Collections.reverseOrder());
    Appender out = new Appender();
    int next = 0;
    for (int p = 0; p < points.size(); p++) {
      byte[] point = points.get(p);
      if (p > 0 && Arrays.equals(point, points.get(p - 1))) {
        continue;
      }
      while (!active.isEmpty() && KEYS.compare(active.peek().end(), point) <= 0) {
        seqs.compute(active.poll().seq(), (s, n) -> n == 1 ? null : n - 1);
      }
      while (next < byStart.size() && KEYS.compare(byStart.get(next).start(), point) <= 0) {
        RangeTombstone t = byStart.get(next++);
        active.add(t);
        seqs.merge(t.seq(), 1, Integer::sum);
      }
      if (!seqs.isEmpty()) {
        // Every active tombstone covers all of [point, next point): no start or end lies inside.
        // A next point exists, since the active tombstones' ends all sort after this one.
        byte[] end = nextDistinct(points, p);
        out.append(point, end, seqs.keySet().stream().mapToLong(Long::longValue).toArray());
      }
    }
    return out.fragments();
  }

  private static byte[] nextDistinct(List<byte[]> points, int p) {
    int q = p + 1;
    while (Arrays.equals(points.get(q), points.get(p))) {
      q++;
    }
    return points.get(q);
  }

  /**
   * Collects fragments in key order, coalescing one that starts where the previous ends with equal
   * seqs into it: what keeps {@link RangeTombstones} canonical.
   */
  static final class Appender {
    private final List<Fragment> fragments = new ArrayList<>();

    void append(byte[] start, byte[] end, long[] seqs) {
      int last = fragments.size() - 1;
      Fragment previous = last < 0 ? null : fragments.get(last);
      if (previous != null
          && Arrays.equals(previous.end(), start)
          && Arrays.equals(previous.seqs(), seqs)) {
        fragments.set(last, new Fragment(previous.start(), end, previous.seqs()));
      } else {
        fragments.add(new Fragment(start, end, seqs));
      }
    }

    List<Fragment> fragments() {
      return fragments;
    }
  }
}
