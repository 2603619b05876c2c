package dev.shaledb.compaction;

import dev.shaledb.iterate.EntryIterator;
import dev.shaledb.iterate.MergingIterator;
import dev.shaledb.iterate.SortedRunIterator;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.sst.ReadAhead;
import dev.shaledb.table.TableStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What one part of a compaction reads: the merge of its job's inputs over the part's key range,
 * streamed ahead of the merge in large ranged GETs ({@link ReadAhead#sequential}), so that the
 * merge's CPU overlaps its reads instead of waiting a GET for every chunk of every input.
 *
 * <ul>
 *   <li>The merge's seek prepares every input before seeking any, so the first windows of all
 *       inputs are in flight together: a part waits about one GET to start, not one per input.
 *   <li>Each input reads in windows of {@link #windowBytes} bytes; while the merge reads one, the
 *       next two are in flight.
 *   <li>A sorted run starts the first window of its next table while the merge reads the current
 *       one, so moving on to the next table does not wait for a GET either.
 *   <li>Tables that hold no key of the part's range are not read at all.
 * </ul>
 *
 * <p><b>Memory.</b> An input holds at most three windows (the one being merged and two in flight),
 * a run one more for its next table: a part holds at most {@code (3 × tables + 4 × runs) × window}
 * bytes of input. The window is {@link #PART_BUDGET_BYTES} (64 MiB) shared out so, between {@link
 * #MIN_WINDOW_BYTES} (256 KiB) and {@link #MAX_WINDOW_BYTES} (8 MiB): a merge of two runs reads in
 * 8 MiB windows, one of 8 L0 tables in 2.7 MiB ones, and only a part of more than 85 tables goes
 * over the budget (by 768 KiB a table). A job holds {@code subcompactions} times that. Not
 * thread-safe: it belongs to the part's thread.
 */
final class CompactionInputs implements AutoCloseable {
  static final int MAX_WINDOW_BYTES = 8 << 20;
  static final int MIN_WINDOW_BYTES = 256 << 10;
  static final long PART_BUDGET_BYTES = 64L << 20;

  private final TableStore tables;
  private final byte[] from;
  private final byte[] to;
  private final ReadAhead readAhead;
  private final List<RunOpener> runOpeners = new ArrayList<>();
  private final MergingIterator merge;

  /** The inputs of {@code job} in {@code [from, to)} (null: unbounded); unpositioned. */
  CompactionInputs(CompactionJob job, byte[] from, byte[] to, TableStore tables) {
    this(job, from, to, tables, 0);
  }

  /** As above, reading in windows of {@code windowBytes}, or 0: the budget's share. */
  CompactionInputs(CompactionJob job, byte[] from, byte[] to, TableStore tables, int windowBytes) {
    this.tables = tables;
    this.from = from;
    this.to = to;
    List<TableInfo> l0 = new ArrayList<>();
    for (TableInfo t : job.l0()) {
      if (overlaps(t.smallestKey(), t.largestKey())) {
        l0.add(t);
      }
    }
    this.readAhead =
        tables.sequentialReadAhead(
            windowBytes > 0 ? windowBytes : windowBytes(l0.size(), job.runs().size()));
    List<EntryIterator> sources = new ArrayList<>();
    for (TableInfo t : l0) {
      sources.add(open(t));
    }
    for (SortedRun run : job.runs()) {
      RunOpener opener = new RunOpener(run.tables());
      runOpeners.add(opener);
      sources.add(
          new SortedRunIterator(run.tables(), opener.smallest, opener.largest, from, to, opener));
    }
    this.merge = new MergingIterator(sources);
  }

  /** The window size of a part reading {@code tables} L0 tables and {@code runs} runs. */
  static int windowBytes(int tables, int runs) {
    long windows = Math.max(1, 3L * tables + 4L * runs);
    return (int)
        Math.max(MIN_WINDOW_BYTES, Math.min(MAX_WINDOW_BYTES, PART_BUDGET_BYTES / windows));
  }

  /** The merge, newest input first; seek it to start. */
  EntryIterator merge() {
    return merge;
  }

  /** Closes the merge and the runs' next tables, letting go of every window read ahead. */
  @Override
  public void close() {
    try {
      merge.close();
    } finally {
      runOpeners.forEach(RunOpener::dropNext);
    }
  }

  private EntryIterator open(TableInfo t) {
    return tables.compactionIterator(t, from, to, readAhead);
  }

  private boolean overlaps(byte[] smallest, byte[] largest) {
    return (to == null || Arrays.compareUnsigned(smallest, to) < 0)
        && (from == null || Arrays.compareUnsigned(largest, from) >= 0);
  }

  /**
   * Opens a run's tables for its {@link SortedRunIterator}, and with each the next one, whose first
   * window it starts at once: the run iterator opens tables in order, so that one is next.
   */
  private final class RunOpener implements Function<TableInfo, EntryIterator> {
    final byte[][] smallest;
    final byte[][] largest;
    private final List<TableInfo> run;
    private final Map<String, Integer> positions = new HashMap<>();
    private TableInfo nextTable;
    private EntryIterator next;

    RunOpener(List<TableInfo> run) {
      this.run = run;
      this.smallest = new byte[run.size()][];
      this.largest = new byte[run.size()][];
      for (int i = 0; i < run.size(); i++) {
        smallest[i] = run.get(i).smallestKey();
        largest[i] = run.get(i).largestKey();
        positions.put(run.get(i).id(), i);
      }
    }

    @Override
    public EntryIterator apply(TableInfo table) {
      EntryIterator it;
      if (next != null && nextTable.id().equals(table.id())) {
        it = next;
        next = null;
      } else {
        dropNext();
        it = open(table);
      }
      int i = positions.get(table.id()) + 1;
      if (i < run.size() && overlaps(smallest[i], largest[i])) {
        nextTable = run.get(i);
        next = open(nextTable);
        next.prepareSeek(null);
      }
      return it;
    }

    void dropNext() {
      if (next != null) {
        next.close();
        next = null;
      }
    }
  }
}
