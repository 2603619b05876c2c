package dev.shaledb.compaction;

import dev.shaledb.CompactionOptions;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import java.util.List;
import java.util.Set;

/**
 * Chooses compactions; a pure function of the manifest state and what is already being compacted.
 * The strategy (docs/compaction.md) in order of precedence:
 *
 * <ol>
 *   <li><b>L0</b>: with {@code l0Trigger} or more L0 tables and no L0 compaction running, the
 *       oldest (up to {@code maxL0PerJob}) become a new newest run, absorbing the newest run if
 *       that is free and still in the smallest size tier. It never waits for run compactions, so
 *       flushes keep going while big merges run.
 *   <li><b>Space</b>: if the runs above the oldest hold more than {@code maxSpaceAmplification - 1}
 *       times the oldest run's bytes, merge all free runs down to the oldest (it bounds the space
 *       taken by overwritten and deleted versions).
 *   <li><b>Tiers</b>: once {@code tierMergeWidth} or more free runs of one size tier lie next to
 *       each other, they all merge into one, so run sizes grow geometrically by {@code tierFanout},
 *       each byte is rewritten about once per {@code tierMergeWidth}-fold growth, and a tier holds
 *       fewer than {@code tierMergeWidth} runs at rest. (Merging each new run into the next older
 *       one of its tier at once, as this rule did before, rewrote the growing run every time: about
 *       {@code tierFanout / 2} rewrites per tier for a growing database.)
 *   <li><b>Count</b>: beyond {@code maxRuns}, the adjacent free pair with the fewest bytes merges.
 *   <li><b>Borrowed</b>: with {@code rewriteBorrowedTables}, a clone's L0 tables shared with its
 *       source are compacted whatever their number, and a run holding shared tables is merged down
 *       to the oldest run, so the clone ends up with tables of its own only.
 * </ol>
 */
public final class CompactionPolicy {
  private final CompactionOptions options;

  CompactionPolicy(CompactionOptions options) {
    this.options = options;
  }

  /** An L0 compaction to start, or null. */
  CompactionJob planL0(ManifestState state, Set<String> busy) {
    List<TableInfo> l0 = state.l0();
    if (l0.isEmpty()
        || (l0.size() < options.l0Trigger() && !l0OverSpaceBound(state) && !rewritesBorrowed(l0))) {
      return null;
    }
    List<TableInfo> inputs =
        l0.subList(l0.size() - Math.min(l0.size(), options.maxL0PerJob()), l0.size());
    long bytes = 0;
    for (TableInfo t : inputs) {
      if (busy.contains(t.id())) {
        return null;
      }
      bytes += t.sizeBytes();
    }
    List<SortedRun> runs = state.sortedRuns();
    if (!runs.isEmpty() && free(runs.get(0), busy) && tier(runs.get(0).sizeBytes() + bytes) == 0) {
      return new CompactionJob(inputs, List.of(runs.get(0)), runs.size() == 1);
    }
    return new CompactionJob(inputs, List.of(), runs.isEmpty());
  }

  /**
   * Whether L0 alone holds more than the space bound allows on top of the runs: in a small,
   * overwrite-heavy database every L0 table repeats most keys, so waiting for the trigger would
   * multiply the space taken.
   */
  private boolean l0OverSpaceBound(ManifestState state) {
    long runBytes = 0;
    for (SortedRun run : state.sortedRuns()) {
      runBytes += run.sizeBytes();
    }
    long l0Bytes = 0;
    for (TableInfo t : state.l0()) {
      l0Bytes += t.sizeBytes();
    }
    return runBytes > 0 && l0Bytes > (options.maxSpaceAmplification() - 1.0) * runBytes;
  }

  /** A compaction of runs to start, or null. */
  CompactionJob planRuns(ManifestState state, Set<String> busy) {
    List<SortedRun> runs = state.sortedRuns();
    CompactionJob job = spaceJob(runs, busy);
    if (job == null) {
      job = tierJob(runs, busy);
    }
    if (job == null && runs.size() > options.maxRuns()) {
      job = countJob(runs, busy);
    }
    if (job == null && options.rewriteBorrowedTables()) {
      job = borrowedJob(runs, busy);
    }
    return job;
  }

  private boolean rewritesBorrowed(List<TableInfo> tables) {
    return options.rewriteBorrowedTables() && tables.stream().anyMatch(TableInfo::isBorrowed);
  }

  /** The newest run holding a shared table, merged down to the oldest run if all are free. */
  private CompactionJob borrowedJob(List<SortedRun> runs, Set<String> busy) {
    for (int i = 0; i < runs.size(); i++) {
      if (rewritesBorrowed(runs.get(i).tables())) {
        for (int j = i; j < runs.size(); j++) {
          if (!free(runs.get(j), busy)) {
            return null;
          }
        }
        return new CompactionJob(List.of(), runs.subList(i, runs.size()), true);
      }
    }
    return null;
  }

  private CompactionJob spaceJob(List<SortedRun> runs, Set<String> busy) {
    int n = runs.size();
    int first = n;
    while (first > 0 && free(runs.get(first - 1), busy)) {
      first--;
    }
    if (n - first < 2) {
      return null;
    }
    long above = 0;
    for (int i = first; i < n - 1; i++) {
      above += runs.get(i).sizeBytes();
    }
    long oldest = runs.get(n - 1).sizeBytes();
    if (above <= (options.maxSpaceAmplification() - 1.0) * oldest) {
      return null;
    }
    return new CompactionJob(List.of(), runs.subList(first, n), true);
  }

  /** The newest stretch of at least {@code tierMergeWidth} adjacent free runs of one tier. */
  private CompactionJob tierJob(List<SortedRun> runs, Set<String> busy) {
    int n = runs.size();
    int i = 0;
    while (i < n) {
      if (!free(runs.get(i), busy)) {
        i++;
        continue;
      }
      int tier = tier(runs.get(i).sizeBytes());
      int j = i;
      while (j + 1 < n
          && free(runs.get(j + 1), busy)
          && tier(runs.get(j + 1).sizeBytes()) == tier) {
        j++;
      }
      if (j - i + 1 >= options.tierMergeWidth()) {
        return new CompactionJob(List.of(), runs.subList(i, j + 1), j == n - 1);
      }
      i = j + 1;
    }
    return null;
  }

  private CompactionJob countJob(List<SortedRun> runs, Set<String> busy) {
    int best = -1;
    long bestBytes = Long.MAX_VALUE;
    for (int i = 0; i + 1 < runs.size(); i++) {
      long bytes = runs.get(i).sizeBytes() + runs.get(i + 1).sizeBytes();
      if (free(runs.get(i), busy) && free(runs.get(i + 1), busy) && bytes < bestBytes) {
        best = i;
        bestBytes = bytes;
      }
    }
    return best < 0
        ? null
        : new CompactionJob(List.of(), runs.subList(best, best + 2), best + 2 == runs.size());
  }

  private static boolean free(SortedRun run, Set<String> busy) {
    for (TableInfo t : run.tables()) {
      if (busy.contains(t.id())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The size tier of a run of {@code bytes}: 0 up to {@link CompactionOptions#baseRunBytes}, then
   * one per fanout.
   */
  int tier(long bytes) {
    int tier = 0;
    for (double limit = options.baseRunBytes(); bytes > limit; limit *= options.tierFanout()) {
      tier++;
    }
    return tier;
  }
}
