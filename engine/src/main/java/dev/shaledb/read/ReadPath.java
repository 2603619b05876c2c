package dev.shaledb.read;

import dev.shaledb.iterate.EntryIterator;
import dev.shaledb.iterate.MergingIterator;
import dev.shaledb.iterate.SortedRunIterator;
import dev.shaledb.iterate.VisibleIterator;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.ReadAhead;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.table.TableStore;
import dev.shaledb.view.DbView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Answers reads from a {@link DbView}, newest source first: the active memtable, the frozen ones,
 * the L0 tables (newest first), then the sorted runs. The first version found at or below the
 * read's sequence number decides, because every source holds only versions older than the sources
 * before it.
 */
public final class ReadPath {
  private final TableStore tables;
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

  public ReadPath(TableStore tables) {
    this.tables = tables;
  }

  /** The value of {@code key} at {@code seq}, or null if absent or deleted. */
  public byte[] get(DbView view, byte[] key, long seq) {
    SstEntry found = view.active().get(key, seq);
    for (int i = 0; found == null && i < view.frozen().size(); i++) {
      found = view.frozen().get(i).memtable().get(key, seq);
    }
    if (found != null) {
      return found.kind() == EntryKind.PUT ? found.value().clone() : null;
    }
    Optional<SstEntry> stored = getFromTables(view.manifest(), key, seq);
    return stored.filter(e -> e.kind() == EntryKind.PUT).map(SstEntry::value).orElse(null);
  }

  /**
   * The values of {@code keys} at {@code seq}, each as {@link #get} returns it, all from the one
   * view: the block reads of each source overlap ({@link MultiGet}).
   */
  public byte[][] multiGet(DbView view, byte[][] keys, long seq) {
    return new MultiGet(this, tables, keys, seq).run(view);
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
    sources.add(view.active().iterator(seq));
    for (DbView.Frozen f : view.frozen()) {
      sources.add(f.memtable().iterator(seq));
    }
    ManifestState m = view.manifest();
    for (TableInfo t : m.l0()) {
      if (overlaps(t, start, end)) {
        sources.add(tables.iterator(t, start, end, seq, readAhead));
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
              t -> tables.iterator(t, null, end, seq, readAhead)));
    }
    return new VisibleIterator(new MergingIterator(sources), start, end, seq, reverse);
  }

  private Optional<SstEntry> getFromTables(ManifestState m, byte[] key, long seq) {
    for (TableInfo info : m.l0()) {
      TableStore.OpenTable t = tables.table(info);
      if (t.minSeq() <= seq && t.contains(key)) {
        Optional<SstEntry> e = tables.get(t, key, seq);
        if (e.isPresent()) {
          return e;
        }
      }
    }
    RunIndex index = runIndex(m);
    List<SortedRun> runs = m.sortedRuns();
    for (int r = 0; r < runs.size(); r++) {
      int i = find(index.smallest()[r], index.largest()[r], key);
      TableInfo t = i < 0 ? null : runs.get(r).tables().get(i);
      if (t != null && t.minSeq() <= seq) {
        Optional<SstEntry> e = tables.get(tables.table(t), key, seq);
        if (e.isPresent()) {
          return e;
        }
      }
    }
    return Optional.empty();
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

  /** The index of the run table whose range holds {@code key}, by binary search, or -1. */
  private static int find(byte[][] smallest, byte[][] largest, byte[] key) {
    int lo = 0;
    int hi = smallest.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (Arrays.compareUnsigned(largest[mid], key) < 0) {
        lo = mid + 1;
      } else if (Arrays.compareUnsigned(smallest[mid], key) > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  private static boolean overlaps(TableInfo t, byte[] start, byte[] end) {
    return (start == null || Arrays.compareUnsigned(t.largestKey(), start) >= 0)
        && (end == null || Arrays.compareUnsigned(t.smallestKey(), end) < 0);
  }
}
