package dev.shaledb.read;

import dev.shaledb.MergeOperator;
import dev.shaledb.iterate.EntryIterator;
import dev.shaledb.iterate.MergingIterator;
import dev.shaledb.iterate.SortedRunIterator;
import dev.shaledb.iterate.ValueFold;
import dev.shaledb.iterate.VisibleIterator;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.RangeTombstones;
import dev.shaledb.sst.ReadAhead;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.table.TableStore;
import dev.shaledb.view.DbView;
import dev.shaledb.view.Memtable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Answers reads from a {@link DbView}, newest source first: the active memtable, the frozen ones,
 * the L0 tables (newest first), then the sorted runs. The first version found at or below the
 * read's sequence number decides, because every source holds only versions older than the sources
 * before it — unless it is a merge operand, which is folded with the older versions ({@link
 * ValueFold} holds the rules, expiry included).
 */
public final class ReadPath {
  private final TableStore tables;
  private final MergeOperator operator;
  private final Clock clock;
  // The key ranges of the last manifest state's runs as arrays: TableInfo's accessors copy, and a
  // point read binary-searches every run. Rebuilt when the state changes (a flush or compaction).
  private volatile RunIndex runIndex = new RunIndex(null, new byte[0][][], new byte[0][][]);

  private record RunIndex(ManifestState state, byte[][][] smallest, byte[][][] largest) {
    static RunIndex of(ManifestState state) {
      List<SortedRun> runs = state.sortedRuns();
      byte[][][] smallest = new byte[runs.size()][][];
      byte[][][] largest = new byte[runs.size()][][];
      for (int r = 0; r < runs.size(); r++) {
        List<TableInfo> tables = runs.get(r).tables();
        smallest[r] = new byte[tables.size()][];
        largest[r] = new byte[tables.size()][];
        for (int i = 0; i < tables.size(); i++) {
          smallest[r][i] = tables.get(i).smallestKey();
          largest[r][i] = tables.get(i).largestKey();
        }
      }
      return new RunIndex(state, smallest, largest);
    }
  }

  /**
   * @param operator folds merge operands; null if none is configured
   * @param clock decides which versions have expired
   */
  public ReadPath(TableStore tables, MergeOperator operator, Clock clock) {
    this.tables = tables;
    this.operator = operator;
    this.clock = clock;
  }

  /** The reader's clock now, in milliseconds: what decides expiry. */
  long nowMillis() {
    return clock.millis();
  }

  /** The value of {@code key} at {@code seq}, or null if absent, deleted or expired. */
  public byte[] get(DbView view, byte[] key, long seq) {
    long now = nowMillis();
    int memtables = 1 + view.frozen().size();
    for (int i = 0; i < memtables; i++) {
      SstEntry found = newest(memtable(view, i), key, seq);
      if (found != null) {
        return found.kind() == EntryKind.MERGE
            ? fold(view, key, seq, now, i)
            : valueOf(found, now, true);
      }
    }
    ManifestState m = view.manifest();
    for (int j = 0; j < m.l0().size(); j++) {
      TableStore.OpenTable t = tables.table(m.l0().get(j));
      if (t.minSeq() <= seq && t.contains(key)) {
        Optional<SstEntry> e = newest(t, key, seq);
        if (e.isPresent()) {
          return decide(view, e.get(), seq, now, memtables + j);
        }
      }
    }
    for (int r = 0; r < m.sortedRuns().size(); r++) {
      TableInfo info = runTable(m, r, key);
      if (info != null && info.minSeq() <= seq) {
        Optional<SstEntry> e = newest(tables.table(info), key, seq);
        if (e.isPresent()) {
          return decide(view, e.get(), seq, now, memtables + m.l0().size() + r);
        }
      }
    }
    return null;
  }

  /** A table's newest version of a key: its value, or the fold from that source on. */
  private byte[] decide(DbView view, SstEntry found, long seq, long now, int source) {
    return found.kind() == EntryKind.MERGE
        ? fold(view, found.key(), seq, now, source)
        : valueOf(found, now, false);
  }

  /** Memtable {@code i} of the view: the active one first, then the frozen ones, newest first. */
  private static Memtable memtable(DbView view, int i) {
    return i == 0 ? view.active() : view.frozen().get(i - 1).memtable();
  }

  /**
   * The newest version of {@code key} at or below {@code seq} in the memtables, newest first, or
   * null: a range tombstone newer than a memtable's own version decides as a DELETE at its number.
   */
  static SstEntry newestInMemory(DbView view, byte[] key, long seq) {
    SstEntry found = newest(view.active(), key, seq);
    for (int i = 0; found == null && i < view.frozen().size(); i++) {
      found = newest(view.frozen().get(i).memtable(), key, seq);
    }
    return found;
  }

  private static SstEntry newest(Memtable m, byte[] key, long seq) {
    SstEntry e = m.get(key, seq);
    RangeTombstones ranges = m.rangeTombstones();
    long deletedAt = ranges.isEmpty() ? -1 : ranges.coveringSeq(key, seq);
    return deletedAt >= 0 && (e == null || e.seq() < deletedAt) ? deletedAt(key, deletedAt) : e;
  }

  /** A delete of {@code key} at {@code seq}: how a covering range tombstone reads. */
  static SstEntry deletedAt(byte[] key, long seq) {
    return SstEntry.delete(key, seq);
  }

  /** What a PUT or DELETE shows a reader at {@code now}: the value (a copy if asked), or null. */
  static byte[] valueOf(SstEntry e, long now, boolean copy) {
    if (e.kind() != EntryKind.PUT || (e.hasExpiry() && e.expireAtMillis() <= now)) {
      return null;
    }
    return copy ? e.value().clone() : e.value();
  }

  /**
   * The value of {@code key} at {@code seq} when its newest version is a merge operand: every
   * source's versions of the key, newest first, until a base decides.
   */
  byte[] fold(DbView view, byte[] key, long seq, long now) {
    return fold(view, key, seq, now, 0);
  }

  /**
   * As {@link #fold(DbView, byte[], long, long)}, starting at source {@code from} (memtables, then
   * L0 tables, then sorted runs, newest first): a point read found the key's newest version there,
   * so the sources before it hold nothing of the key. Tables whose filter rules the key out and
   * whose tombstones do not cover it are passed over without a read.
   */
  private byte[] fold(DbView view, byte[] key, long seq, long now, int from) {
    ValueFold fold = new ValueFold(operator, now);
    fold.reset(key);
    long[] below = {Long.MAX_VALUE};
    int memtables = 1 + view.frozen().size();
    for (int i = from; i < memtables; i++) {
      Memtable mem = memtable(view, i);
      RangeTombstones ranges = mem.rangeTombstones();
      long deletedAt = ranges.isEmpty() ? -1 : ranges.coveringSeq(key, seq);
      if (offerAll(fold, mem.iterator(seq), key, deletedAt, below)) {
        return copy(fold.result());
      }
    }
    ManifestState m = view.manifest();
    int source = memtables;
    for (TableInfo info : m.l0()) {
      if (source++ >= from && offerTable(fold, info, key, seq, below)) {
        return copy(fold.result());
      }
    }
    for (int r = 0; r < m.sortedRuns().size(); r++) {
      TableInfo info = runTable(m, r, key);
      if (source++ >= from && info != null && offerTable(fold, info, key, seq, below)) {
        return copy(fold.result());
      }
    }
    return copy(fold.result());
  }

  /** Offers a table's versions of {@code key}; true once decided. */
  private boolean offerTable(ValueFold fold, TableInfo info, byte[] key, long seq, long[] below) {
    TableStore.OpenTable t = tables.table(info);
    if (t.minSeq() > seq || !t.contains(key)) {
      return false;
    }
    long deletedAt = t.coveringSeq(key, seq);
    if (deletedAt < 0 && !t.reader().mayContain(key)) {
      return false;
    }
    EntryIterator versions =
        tables.iterator(info, key, VisibleIterator.successor(key), seq, ReadAhead.NONE);
    return offerAll(fold, versions, key, deletedAt, below);
  }

  /**
   * Offers {@code source}'s versions of {@code key} below {@code below[0]}, and a delete at {@code
   * deletedAt} (a covering range tombstone of the same source; -1: none) in its place among them;
   * true once decided. A version at or above {@code below[0]} was offered from a newer source
   * already: the view may show a flushed memtable's versions twice for a moment (the memtable and
   * the table a newer manifest lists), harmless for a put but not for a merge operand (chaos seeds
   * 20261512, 20261808, 20262804 folded one twice).
   */
  private static boolean offerAll(
      ValueFold fold, EntryIterator source, byte[] key, long deletedAt, long[] below) {
    try (source) {
      for (source.seek(key); source.isValid() && Arrays.equals(source.key(), key); source.next()) {
        long s = source.seq();
        if (s >= below[0]) {
          continue;
        }
        below[0] = s;
        if (s < deletedAt) {
          break;
        }
        if (fold.offerOlder(source.kind(), source.value(), source.expireAtMillis())) {
          return true;
        }
      }
      return deletedAt >= 0 && fold.offerOlder(EntryKind.DELETE, null, SstEntry.NO_EXPIRY);
    }
  }

  private static byte[] copy(byte[] value) {
    return value == null ? null : value.clone();
  }

  /**
   * The values of {@code keys} at {@code seq}, each as {@link #get} returns it, all from the one
   * view: the block reads of each source overlap ({@link MultiGet}).
   */
  public byte[][] multiGet(DbView view, byte[][] keys, long seq) {
    return new MultiGet(this, tables, keys, seq, nowMillis()).run(view);
  }

  /**
   * The visible keys of {@code [start, end)} at {@code seq}, descending if {@code reverse}; forward
   * scans read tables ahead in windows of up to {@code readAheadBytes}. Nothing is read until the
   * iterator's first {@code hasNext()}, which seeks every source once.
   */
  public VisibleIterator scan(
      DbView view, byte[] start, byte[] end, long seq, boolean reverse, int readAheadBytes) {
    ReadAhead readAhead = tables.readAhead(readAheadBytes);
    List<EntryIterator> sources = new ArrayList<>();
    // What each source's sequence numbers are at most, so that the scan can move the sources older
    // than a range tombstone past what it covers; memtables are never skipped (they are in memory).
    List<Long> maxSeqs = new ArrayList<>();
    sources.add(view.active().iterator(seq));
    maxSeqs.add(Long.MAX_VALUE);
    for (DbView.Frozen f : view.frozen()) {
      sources.add(f.memtable().iterator(seq));
      maxSeqs.add(Long.MAX_VALUE);
    }
    List<RangeTombstones> fixed = new ArrayList<>();
    fixed.add(view.active().rangeTombstones());
    for (DbView.Frozen f : view.frozen()) {
      fixed.add(f.memtable().rangeTombstones());
    }
    ManifestState m = view.manifest();
    List<ScanTombstones.Run> runTombstones = new ArrayList<>();
    Function<TableInfo, RangeTombstones> opener = t -> tables.table(t).reader().rangeTombstones();
    for (TableInfo t : m.l0()) {
      if (overlaps(t, start, end)) {
        sources.add(tables.iterator(t, start, end, seq, readAhead));
        maxSeqs.add(t.maxSeq());
        // Like a run of one table: opened when the scan reaches its range, not now.
        runTombstones.add(
            new ScanTombstones.Run(
                List.of(t), new byte[][] {t.smallestKey()}, new byte[][] {t.largestKey()}, opener));
      }
    }
    RunIndex index = runIndex(m);
    List<SortedRun> runs = m.sortedRuns();
    for (int r = 0; r < runs.size(); r++) {
      sources.add(
          new SortedRunIterator(
              runs.get(r).tables(),
              index.smallest()[r],
              index.largest()[r],
              start,
              end,
              t -> tables.iterator(t, null, end, seq, readAhead)));
      maxSeqs.add(runs.get(r).tables().stream().mapToLong(TableInfo::maxSeq).max().orElse(0));
      runTombstones.add(
          new ScanTombstones.Run(
              runs.get(r).tables(), index.smallest()[r], index.largest()[r], opener));
    }
    return new VisibleIterator(
        new MergingIterator(sources, maxSeqs.stream().mapToLong(Long::longValue).toArray()),
        start,
        end,
        seq,
        reverse,
        new ValueFold(operator, nowMillis()),
        ScanTombstones.of(fixed, runTombstones));
  }

  /** The newest version of {@code key} in {@code t}, or a delete if a newer tombstone covers it. */
  private Optional<SstEntry> newest(TableStore.OpenTable t, byte[] key, long seq) {
    long deletedAt = t.coveringSeq(key, seq);
    Optional<SstEntry> e = tables.get(t, key, seq);
    if (deletedAt >= 0 && (e.isEmpty() || e.get().seq() < deletedAt)) {
      return Optional.of(deletedAt(key, deletedAt));
    }
    return e;
  }

  /** The table of sorted run {@code r} of {@code m} whose range holds {@code key}, or null. */
  TableInfo runTable(ManifestState m, int r, byte[] key) {
    RunIndex index = runIndex(m);
    int i = find(index.smallest()[r], index.largest()[r], key);
    return i < 0 ? null : m.sortedRuns().get(r).tables().get(i);
  }

  private RunIndex runIndex(ManifestState m) {
    RunIndex index = runIndex;
    if (index.state() != m) {
      index = RunIndex.of(m);
      runIndex = index;
    }
    return index;
  }

  /**
   * The index of the run table whose range holds {@code key}, by binary search, or -1. Of two
   * touching tables (one's largest key is the next one's smallest, a range tombstone's exclusive
   * end) the later one holds that key.
   */
  static int find(byte[][] smallest, byte[][] largest, byte[] key) {
    int lo = 0;
    int hi = smallest.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (Arrays.compareUnsigned(largest[mid], key) < 0) {
        lo = mid + 1;
      } else if (Arrays.compareUnsigned(smallest[mid], key) > 0) {
        hi = mid - 1;
      } else {
        return mid + 1 < smallest.length && Arrays.equals(smallest[mid + 1], key) ? mid + 1 : mid;
      }
    }
    return -1;
  }

  private static boolean overlaps(TableInfo t, byte[] start, byte[] end) {
    return (start == null || Arrays.compareUnsigned(t.largestKey(), start) >= 0)
        && (end == null || Arrays.compareUnsigned(t.smallestKey(), end) < 0);
  }
}
