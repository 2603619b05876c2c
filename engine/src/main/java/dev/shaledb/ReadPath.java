package dev.shaledb;

import dev.shaledb.engine.EntryIterator;
import dev.shaledb.engine.Iterators;
import dev.shaledb.engine.MergingIterator;
import dev.shaledb.engine.SortedRunIterator;
import dev.shaledb.engine.VisibleIterator;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstReader;
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
final class ReadPath {
  private final TableStore tables;

  ReadPath(TableStore tables) {
    this.tables = tables;
  }

  /** The value of {@code key} at {@code seq}, or null if absent or deleted. */
  byte[] get(DbView view, byte[] key, long seq) {
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

  /** The visible keys of {@code [start, end)} at {@code seq}. */
  VisibleIterator scan(DbView view, byte[] start, byte[] end, long seq) {
    List<EntryIterator> sources = new ArrayList<>();
    sources.add(view.active().iterator(seq));
    for (DbView.Frozen f : view.frozen()) {
      sources.add(f.memtable().iterator(seq));
    }
    ManifestState m = view.manifest();
    for (TableInfo t : m.l0()) {
      if (overlaps(t, start, end)) {
        sources.add(Iterators.of(tables.reader(t).scan(start, end, seq)));
      }
    }
    for (SortedRun run : m.sortedRuns()) {
      sources.add(
          new SortedRunIterator(run.tables(), t -> Iterators.of(tables.reader(t).iterator(seq))));
    }
    return new VisibleIterator(new MergingIterator(sources), start, end, seq);
  }

  private Optional<SstEntry> getFromTables(ManifestState m, byte[] key, long seq) {
    for (TableInfo info : m.l0()) {
      TableStore.OpenTable t = tables.table(info);
      if (t.minSeq() <= seq && t.contains(key)) {
        Optional<SstEntry> e = lookup(t.reader(), key, seq);
        if (e.isPresent()) {
          return e;
        }
      }
    }
    for (SortedRun run : m.sortedRuns()) {
      TableInfo t = find(run.tables(), key);
      if (t != null && t.minSeq() <= seq) {
        Optional<SstEntry> e = lookup(tables.reader(t), key, seq);
        if (e.isPresent()) {
          return e;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<SstEntry> lookup(SstReader reader, byte[] key, long seq) {
    return reader.mayContain(key) ? reader.get(key, seq) : Optional.empty();
  }

  /** The table of a sorted run whose range holds {@code key}, by binary search, or null. */
  private static TableInfo find(List<TableInfo> run, byte[] key) {
    int lo = 0;
    int hi = run.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      TableInfo t = run.get(mid);
      if (Arrays.compareUnsigned(t.largestKey(), key) < 0) {
        lo = mid + 1;
      } else if (Arrays.compareUnsigned(t.smallestKey(), key) > 0) {
        hi = mid - 1;
      } else {
        return t;
      }
    }
    return null;
  }

  private static boolean overlaps(TableInfo t, byte[] start, byte[] end) {
    return (start == null || Arrays.compareUnsigned(t.largestKey(), start) >= 0)
        && (end == null || Arrays.compareUnsigned(t.smallestKey(), end) < 0);
  }
}
