package dev.shaledb.compaction;

import static java.util.Objects.requireNonNull;

import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One compaction: inputs that are adjacent in recency, merged into one sorted run that takes their
 * place.
 *
 * <p>Either {@code l0} holds the oldest L0 tables (and {@code runs} is empty or holds only the
 * newest run), and the output becomes the newest run; or {@code l0} is empty and {@code runs} are
 * consecutive runs, replaced in place by the output. Both keep the read path's rule that every
 * source holds only versions older than the sources before it.
 *
 * @param l0 L0 inputs, newest first, the oldest tables of L0
 * @param runs run inputs, newest first, consecutive in the manifest
 * @param bottom whether nothing older than the inputs exists, so tombstones can be dropped
 */
public record CompactionJob(List<TableInfo> l0, List<SortedRun> runs, boolean bottom) {
  public CompactionJob {
    l0 = List.copyOf(requireNonNull(l0, "l0 is null"));
    runs = List.copyOf(requireNonNull(runs, "runs is null"));
    if (l0.isEmpty() && (runs.isEmpty() || (runs.size() < 2 && !bottom))) {
      // One run alone is rewritten only at the bottom: a clone's run of shared tables.
      throw new IllegalArgumentException("a run compaction needs two runs, got " + runs.size());
    }
    if (!l0.isEmpty() && runs.size() > 1) {
      throw new IllegalArgumentException("an L0 compaction takes at most the newest run");
    }
  }

  boolean isL0() {
    return !l0.isEmpty();
  }

  long inputBytes() {
    long total = 0;
    for (TableInfo t : l0) {
      total += t.sizeBytes();
    }
    for (SortedRun r : runs) {
      total += r.sizeBytes();
    }
    return total;
  }

  /** Every input table: the L0 tables, then each run's, newest first. */
  List<TableInfo> tables() {
    List<TableInfo> all = new ArrayList<>(l0);
    for (SortedRun r : runs) {
      all.addAll(r.tables());
    }
    return all;
  }

  Set<String> tableIds() {
    Set<String> ids = new HashSet<>();
    for (TableInfo t : l0) {
      ids.add(t.id());
    }
    for (SortedRun r : runs) {
      for (TableInfo t : r.tables()) {
        ids.add(t.id());
      }
    }
    return ids;
  }

  /**
   * {@code base} with the inputs replaced by {@code output} (null if every entry was dropped).
   * Applied to whatever the latest state is when publishing, so it re-checks that the inputs are
   * still where the plan found them; a flush may only have added newer L0 tables meanwhile.
   *
   * @throws IllegalStateException if the inputs moved (someone else changed the runs)
   */
  ManifestState apply(ManifestState base, SortedRun output) {
    List<TableInfo> l0Left = new ArrayList<>(base.l0());
    int keep = l0Left.size() - l0.size();
    if (keep < 0 || !l0Left.subList(keep, l0Left.size()).equals(l0)) {
      throw new IllegalStateException("the L0 inputs are no longer the oldest L0 tables");
    }
    l0Left.subList(keep, l0Left.size()).clear();
    List<SortedRun> runsLeft = new ArrayList<>(base.sortedRuns());
    int at = runs.isEmpty() ? 0 : runsLeft.indexOf(runs.get(0));
    if (at < 0
        || (isL0() && at != 0)
        || at + runs.size() > runsLeft.size()
        || !runsLeft.subList(at, at + runs.size()).equals(runs)) {
      throw new IllegalStateException("the input runs are no longer consecutive in the manifest");
    }
    runsLeft.subList(at, at + runs.size()).clear();
    if (output != null) {
      runsLeft.add(at, output);
    }
    return base.toBuilder().l0(l0Left).sortedRuns(runsLeft).build();
  }
}
