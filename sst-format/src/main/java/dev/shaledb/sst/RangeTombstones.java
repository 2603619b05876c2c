package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * An immutable set of range tombstones, fragmented: the key space they cover is cut at every
 * tombstone's start and end into non-overlapping fragments sorted by start, and each fragment lists
 * the distinct sequence numbers of the tombstones covering all of it, newest first. A lookup is
 * then one binary search over fragments and one over a fragment's seqs, however the tombstones
 * overlapped (the layout RocksDB's fragmented range tombstone list uses, for the same reason).
 *
 * <p>Invariants (canonical form, so two sets covering every key with the same seqs are equal):
 * fragments are sorted and do not overlap ({@code end(i) <= start(i + 1)}); two fragments that
 * touch ({@code end(i) == start(i + 1)}) have different seq lists, since equal ones are coalesced
 * into one. Holding every distinct seq, not only the newest, is what lets a reader at an older
 * snapshot see the tombstone that was current for it.
 *
 * <p>Arrays are shared, never copied, as with {@link SstEntry}: callers must not modify the arrays
 * they hand over or get back. Section "Range tombstone block" of docs/formats/sst.md describes the
 * stored form ({@link #encode}, {@link #decode}).
 */
public final class RangeTombstones {
  private static final RangeTombstones EMPTY = new RangeTombstones(new Fragment[0]);

  private final Fragment[] fragments;
  private final List<Fragment> view;

  private RangeTombstones(Fragment[] fragments) {
    this.fragments = fragments;
    this.view = List.of(fragments);
  }

  /**
   * One fragment: the keys {@code [start, end)} and the distinct seqs of the tombstones covering
   * them, strictly descending, at least one.
   */
  public record Fragment(byte[] start, byte[] end, long[] seqs) {
    public Fragment {
      RangeTombstone.checkBounds(start, end);
      requireNonNull(seqs, "seqs is null");
      if (seqs.length == 0) {
        throw new IllegalArgumentException("a fragment needs at least one seq");
      }
      for (int i = 0; i < seqs.length; i++) {
        if (seqs[i] < 0 || (i > 0 && seqs[i] >= seqs[i - 1])) {
          throw new IllegalArgumentException(
              "fragment seqs must be non-negative and strictly descending: "
                  + Arrays.toString(seqs));
        }
      }
    }

    /** The highest seq at or below {@code maxSeq}, or -1 if every seq is above it. */
    public long seqAtOrBelow(long maxSeq) {
      int lo = 0;
      int hi = seqs.length;
      while (lo < hi) { // the first (highest) seq <= maxSeq
        int mid = (lo + hi) >>> 1;
        if (seqs[mid] > maxSeq) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo < seqs.length ? seqs[lo] : -1;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Fragment f
          && Arrays.equals(start, f.start)
          && Arrays.equals(end, f.end)
          && Arrays.equals(seqs, f.seqs);
    }

    @Override
    public int hashCode() {
      int h = Arrays.hashCode(start);
      h = 31 * h + Arrays.hashCode(end);
      return 31 * h + Arrays.hashCode(seqs);
    }

    @Override
    public String toString() {
      return "["
          + Bytes.describe(start)
          + ", "
          + Bytes.describe(end)
          + ")@"
          + Arrays.toString(seqs);
    }
  }

  public static RangeTombstones empty() {
    return EMPTY;
  }

  /** The fragmented form of {@code tombstones}, in any order, overlapping or not: O(n log n). */
  public static RangeTombstones of(Collection<RangeTombstone> tombstones) {
    requireNonNull(tombstones, "tombstones is null");
    return ofCanonical(Fragmenter.fragment(tombstones));
  }

  /** Every tombstone of every set: a key's seqs are the union of its seqs in each set. */
  public static RangeTombstones union(List<RangeTombstones> sets) {
    requireNonNull(sets, "sets is null");
    List<RangeTombstones> nonEmpty = new ArrayList<>();
    for (RangeTombstones set : sets) {
      if (!requireNonNull(set, "set is null").isEmpty()) {
        nonEmpty.add(set);
      }
    }
    if (nonEmpty.size() <= 1) {
      return nonEmpty.isEmpty() ? EMPTY : nonEmpty.get(0);
    }
    List<RangeTombstone> all = new ArrayList<>();
    for (RangeTombstones set : nonEmpty) {
      all.addAll(set.toTombstones());
    }
    return of(all);
  }

  /** Wraps fragments that are already canonical. */
  static RangeTombstones ofCanonical(List<Fragment> canonical) {
    return canonical.isEmpty() ? EMPTY : new RangeTombstones(canonical.toArray(new Fragment[0]));
  }

  public boolean isEmpty() {
    return fragments.length == 0;
  }

  public int fragmentCount() {
    return fragments.length;
  }

  /** The fragments in key order (an unmodifiable list). */
  public List<Fragment> fragments() {
    return view;
  }

  /**
   * The highest seq at or below {@code maxSeq} of the tombstones covering {@code key}, or -1 if
   * none does: a version of {@code key} visible at {@code maxSeq} is deleted if its seq is below
   * this.
   */
  public long coveringSeq(byte[] key, long maxSeq) {
    Fragment f = fragmentAt(key);
    return f == null ? -1 : f.seqAtOrBelow(maxSeq);
  }

  /** The fragment containing {@code key}, or null. */
  public Fragment fragmentAt(byte[] key) {
    int i = fragmentIndexAtOrAfter(key);
    return i < fragments.length && Arrays.compareUnsigned(fragments[i].start, key) <= 0
        ? fragments[i]
        : null;
  }

  /**
   * The exclusive end of the keys from {@code key} on that a tombstone with a seq in {@code [seq,
   * maxSeq]} covers without a gap, or null if none covers {@code key}: every version of those keys
   * older than {@code seq} is deleted at snapshot {@code maxSeq}, so a scan may jump over them.
   */
  public byte[] coveredUntil(byte[] key, long seq, long maxSeq) {
    int i = fragmentIndexAtOrAfter(key);
    if (!covers(i, key, seq, maxSeq)) {
      return null;
    }
    while (i + 1 < fragments.length
        && Arrays.equals(fragments[i].end, fragments[i + 1].start)
        && fragments[i + 1].seqAtOrBelow(maxSeq) >= seq) {
      i++;
    }
    return fragments[i].end;
  }

  /**
   * The inclusive start of the keys up to {@code key} that a tombstone with a seq in {@code [seq,
   * maxSeq]} covers without a gap, or null if none covers {@code key}: {@link #coveredUntil} for a
   * reverse scan.
   */
  public byte[] coveredFrom(byte[] key, long seq, long maxSeq) {
    int i = fragmentIndexAtOrAfter(key);
    if (!covers(i, key, seq, maxSeq)) {
      return null;
    }
    while (i > 0
        && Arrays.equals(fragments[i - 1].end, fragments[i].start)
        && fragments[i - 1].seqAtOrBelow(maxSeq) >= seq) {
      i--;
    }
    return fragments[i].start;
  }

  private boolean covers(int i, byte[] key, long seq, long maxSeq) {
    return i < fragments.length
        && Arrays.compareUnsigned(fragments[i].start, key) <= 0
        && fragments[i].seqAtOrBelow(maxSeq) >= seq;
  }

  /**
   * The index of the first fragment whose end sorts after {@code key} (the one containing it, or
   * else the next one), or {@link #fragmentCount()} if none: where a cursor walking the fragments
   * along a forward scan starts.
   */
  public int fragmentIndexAtOrAfter(byte[] key) {
    requireNonNull(key, "key is null");
    int lo = 0;
    int hi = fragments.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Arrays.compareUnsigned(fragments[mid].end, key) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The part of this set within {@code [fromInclusive, toExclusive)} (null for unbounded), for
   * example what a table covering only those keys must store. A bound, when given, must be a valid
   * key (1 to {@value SstEntry#MAX_KEY_LENGTH} bytes).
   */
  public RangeTombstones clip(byte[] fromInclusive, byte[] toExclusive) {
    byte[] from = fromInclusive == null ? null : checkedCopy("from", fromInclusive);
    byte[] to = toExclusive == null ? null : checkedCopy("to", toExclusive);
    if (from != null && to != null && Arrays.compareUnsigned(from, to) >= 0) {
      return EMPTY;
    }
    List<Fragment> out = new ArrayList<>();
    boolean cut = false;
    for (int i = from == null ? 0 : fragmentIndexAtOrAfter(from); i < fragments.length; i++) {
      Fragment f = fragments[i];
      if (to != null && Arrays.compareUnsigned(f.start, to) >= 0) {
        break;
      }
      boolean cutStart = from != null && Arrays.compareUnsigned(f.start, from) < 0;
      boolean cutEnd = to != null && Arrays.compareUnsigned(f.end, to) > 0;
      cut |= cutStart || cutEnd;
      out.add(
          cutStart || cutEnd
              ? new Fragment(cutStart ? from : f.start, cutEnd ? to : f.end, f.seqs)
              : f);
    }
    // Trimming the outer fragments leaves the set canonical: no two fragments become equal.
    return !cut && out.size() == fragments.length ? this : ofCanonical(out);
  }

  private static byte[] checkedCopy(String name, byte[] bound) {
    RangeTombstone.checkBound(name, bound);
    return bound.clone();
  }

  /**
   * What a compaction keeps: in each fragment every seq above {@code retainSeq} (some snapshot may
   * still need to see the key before it), and the highest seq at or below it unless {@code bottom};
   * the older seqs hide nothing that the kept one does not hide for every reader, and at the bottom
   * of the tree there is nothing older left to hide. Fragments left without seqs go.
   */
  public RangeTombstones retain(long retainSeq, boolean bottom) {
    Fragmenter.Appender out = new Fragmenter.Appender();
    for (Fragment f : fragments) {
      int keep = 0;
      while (keep < f.seqs.length && f.seqs[keep] > retainSeq) {
        keep++;
      }
      if (!bottom && keep < f.seqs.length) {
        keep++;
      }
      if (keep > 0) {
        long[] seqs = keep == f.seqs.length ? f.seqs : Arrays.copyOf(f.seqs, keep);
        out.append(f.start, f.end, seqs);
      }
    }
    return ofCanonical(out.fragments());
  }

  /** The first fragment's start, or null if the set is empty. */
  public byte[] smallestStart() {
    return isEmpty() ? null : fragments[0].start;
  }

  /** The last fragment's end (exclusive), or null if the set is empty. */
  public byte[] largestEnd() {
    return isEmpty() ? null : fragments[fragments.length - 1].end;
  }

  /** The lowest seq of any fragment, or -1 if the set is empty. */
  public long minSeq() {
    long min = -1;
    for (Fragment f : fragments) {
      long last = f.seqs[f.seqs.length - 1];
      min = min < 0 ? last : Math.min(min, last);
    }
    return min;
  }

  /** The highest seq of any fragment, or -1 if the set is empty. */
  public long maxSeq() {
    long max = -1;
    for (Fragment f : fragments) {
      max = Math.max(max, f.seqs[0]);
    }
    return max;
  }

  /** One tombstone per fragment and seq, in fragment order: {@link #of} gives this set back. */
  public List<RangeTombstone> toTombstones() {
    List<RangeTombstone> out = new ArrayList<>();
    for (Fragment f : fragments) {
      for (long seq : f.seqs) {
        out.add(new RangeTombstone(f.start, f.end, seq));
      }
    }
    return out;
  }

  /** Writes the payload of a range tombstone block; the set must not be empty. */
  void encode(LittleEndianSink out) {
    if (isEmpty()) {
      throw new IllegalStateException("an empty set has no range tombstone block");
    }
    out.writeVarint(fragments.length);
    for (Fragment f : fragments) {
      out.writeVarint(f.start.length);
      out.write(f.start);
      out.writeVarint(f.end.length);
      out.write(f.end);
      out.writeVarint(f.seqs.length);
      for (long seq : f.seqs) {
        out.writeVarint(seq);
      }
    }
  }

  /**
   * Decodes and validates a range tombstone block's payload: at least one fragment, each with start
   * before end and seqs strictly descending, sorted, not overlapping, and canonical (touching
   * fragments differ in their seqs), as {@link #encode} writes them.
   */
  static RangeTombstones decode(LittleEndianReader in) {
    long count = in.varint("range tombstone fragment count", 1, Integer.MAX_VALUE);
    List<Fragment> out = new ArrayList<>();
    Fragment previous = null;
    for (long i = 0; i < count; i++) {
      byte[] start = in.bytes(in.varint32("range start length", 1, SstEntry.MAX_KEY_LENGTH));
      byte[] end = in.bytes(in.varint32("range end length", 1, SstEntry.MAX_KEY_LENGTH));
      if (Arrays.compareUnsigned(start, end) >= 0) {
        throw in.corrupt("range tombstone fragment " + i + " has start >= end");
      }
      int order = previous == null ? 1 : Arrays.compareUnsigned(start, previous.end);
      if (order < 0) {
        throw in.corrupt(
            "range tombstone fragment " + i + " overlaps or sorts before the previous one");
      }
      long[] seqs = decodeSeqs(in, i);
      if (order == 0 && Arrays.equals(seqs, previous.seqs)) {
        throw in.corrupt(
            "range tombstone fragment " + i + " continues the previous one with equal seqs");
      }
      previous = new Fragment(start, end, seqs);
      out.add(previous);
    }
    in.expectEnd();
    return ofCanonical(out);
  }

  private static long[] decodeSeqs(LittleEndianReader in, long fragment) {
    int count = in.varint32("range tombstone seq count", 1, Integer.MAX_VALUE);
    long[] seqs = new long[Math.min(count, 64)]; // a corrupt count allocates little
    for (int s = 0; s < count; s++) {
      long seq = in.varint("range tombstone seq", 0, Long.MAX_VALUE);
      if (s > 0 && seq >= seqs[s - 1]) {
        throw in.corrupt(
            "seqs of range tombstone fragment " + fragment + " are not strictly descending");
      }
      if (s == seqs.length) {
        seqs = Arrays.copyOf(seqs, (int) Math.min(count, 2L * s));
      }
      seqs[s] = seq;
    }
    return seqs; // grown to exactly count, never beyond
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RangeTombstones t && Arrays.equals(fragments, t.fragments);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(fragments);
  }

  @Override
  public String toString() {
    return "RangeTombstones" + view;
  }
}
