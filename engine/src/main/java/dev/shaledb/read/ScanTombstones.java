package dev.shaledb.read;

import dev.shaledb.iterate.VisibleIterator;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.sst.RangeTombstones;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The range tombstones one scan honours: those of the memtables, joined when it starts, and those
 * of each table source (an L0 table, a sorted run), taken from the source's table that holds the
 * key asked about, opened only when the scan reaches it (a table's tombstones lie within its key
 * range), so creating a scan reads nothing. A range tombstone is a delete of each key it covers at
 * its sequence number, so which source it comes from does not matter to what it hides.
 *
 * <p>Cost per key: one fragment search if any memtable or L0 table has tombstones, and per run a
 * key comparison against the cached table's bounds (a binary search when the scan leaves it). Not
 * thread-safe: one per scan.
 */
final class ScanTombstones implements VisibleIterator.Tombstones {
  private final RangeTombstones fixed;
  private final Run[] runs;

  private ScanTombstones(RangeTombstones fixed, Run[] runs) {
    this.fixed = fixed;
    this.runs = runs;
  }

  /** The tombstones of {@code fixed} sources and of {@code runs}. */
  static VisibleIterator.Tombstones of(List<RangeTombstones> fixed, List<Run> runs) {
    List<RangeTombstones> some = new ArrayList<>();
    for (RangeTombstones t : fixed) {
      if (!t.isEmpty()) {
        some.add(t);
      }
    }
    RangeTombstones joined =
        some.isEmpty()
            ? RangeTombstones.empty()
            : some.size() == 1 ? some.get(0) : RangeTombstones.union(some);
    if (joined.isEmpty() && runs.isEmpty()) {
      return VisibleIterator.Tombstones.NONE;
    }
    return new ScanTombstones(joined, runs.toArray(new Run[0]));
  }

  @Override
  public long coveringSeq(byte[] key, long maxSeq) {
    long seq = fixed.isEmpty() ? -1 : fixed.coveringSeq(key, maxSeq);
    for (Run run : runs) {
      seq = Math.max(seq, run.coveringSeq(key, maxSeq));
    }
    return seq;
  }

  @Override
  public byte[] coveredUntil(byte[] key, long seq, long maxSeq) {
    byte[] until = fixed.isEmpty() ? null : fixed.coveredUntil(key, seq, maxSeq);
    for (Run run : runs) {
      until = later(until, run.span(key, seq, maxSeq, false));
    }
    return until;
  }

  @Override
  public byte[] coveredFrom(byte[] key, long seq, long maxSeq) {
    byte[] from = fixed.isEmpty() ? null : fixed.coveredFrom(key, seq, maxSeq);
    for (Run run : runs) {
      byte[] f = run.span(key, seq, maxSeq, true);
      // The span reaching furthest back: the smaller start.
      from = from == null || (f != null && Arrays.compareUnsigned(f, from) < 0) ? f : from;
    }
    return from;
  }

  // Any one source's span is covered at seq or above, so the longest of them may be skipped.
  private static byte[] later(byte[] a, byte[] b) {
    return a == null || (b != null && Arrays.compareUnsigned(b, a) > 0) ? b : a;
  }

  /** One table source's tombstones, by the table holding the key; caches the last table. */
  static final class Run {
    private final List<TableInfo> tables;
    private final byte[][] smallest;
    private final byte[][] largest;
    private final Function<TableInfo, RangeTombstones> opener;
    private int cached = -1;
    private RangeTombstones cachedTombstones;

    /**
     * @param tables the run's tables in key order, with their smallest and largest keys
     * @param opener the tombstones of a table (opening it if need be)
     */
    Run(
        List<TableInfo> tables,
        byte[][] smallest,
        byte[][] largest,
        Function<TableInfo, RangeTombstones> opener) {
      this.tables = tables;
      this.smallest = smallest;
      this.largest = largest;
      this.opener = opener;
    }

    long coveringSeq(byte[] key, long maxSeq) {
      RangeTombstones t = at(key);
      return t == null || t.isEmpty() ? -1 : t.coveringSeq(key, maxSeq);
    }

    /** {@link RangeTombstones#coveredUntil} (or {@code coveredFrom}) in the table holding key. */
    byte[] span(byte[] key, long seq, long maxSeq, boolean from) {
      RangeTombstones t = at(key);
      if (t == null || t.isEmpty()) {
        return null;
      }
      return from ? t.coveredFrom(key, seq, maxSeq) : t.coveredUntil(key, seq, maxSeq);
    }

    /** The tombstones of the table holding {@code key}, or null if none does. */
    private RangeTombstones at(byte[] key) {
      if (!holds(cached, key)) {
        cached = ReadPath.find(smallest, largest, key);
        if (cached < 0) {
          return null;
        }
        cachedTombstones = opener.apply(tables.get(cached));
      }
      return cachedTombstones;
    }

    /** Whether table {@code i} is the one {@link ReadPath#find} picks for {@code key}. */
    private boolean holds(int i, byte[] key) {
      return i >= 0
          && Arrays.compareUnsigned(smallest[i], key) <= 0
          && Arrays.compareUnsigned(key, largest[i]) <= 0
          && !(i + 1 < smallest.length && Arrays.equals(smallest[i + 1], key));
    }
  }
}
