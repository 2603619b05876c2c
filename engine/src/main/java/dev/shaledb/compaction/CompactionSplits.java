package dev.shaledb.compaction;

import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.table.TableStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a compaction splits its key space so that its parts can merge in parallel. Balanced by the
 * biggest input: a run with enough tables splits at table boundaries (free: the manifest has them),
 * otherwise the biggest table's index gives block boundaries (free once it is open).
 */
public final class CompactionSplits {
  private CompactionSplits() {}

  /** Up to {@code parts - 1} strictly ascending split keys. */
  static List<byte[]> choose(CompactionJob job, int parts, TableStore tables) {
    if (parts < 2) {
      return List.of();
    }
    SortedRun widest = null;
    for (SortedRun run : job.runs()) {
      if (widest == null || run.tables().size() > widest.tables().size()) {
        widest = run;
      }
    }
    if (widest != null && widest.tables().size() >= parts) {
      return tableBoundaries(widest.tables(), parts);
    }
    TableInfo biggest = null;
    for (TableInfo t : job.tables()) {
      if (biggest == null || t.sizeBytes() > biggest.sizeBytes()) {
        biggest = t;
      }
    }
    return biggest == null ? List.of() : tables.reader(biggest).splitKeys(parts);
  }

  private static List<byte[]> tableBoundaries(List<TableInfo> run, int parts) {
    List<byte[]> keys = new ArrayList<>();
    for (int i = 1; i < parts; i++) {
      byte[] key = run.get(run.size() * i / parts).smallestKey();
      if (keys.isEmpty() || Arrays.compareUnsigned(keys.get(keys.size() - 1), key) < 0) {
        keys.add(key);
      }
    }
    return keys;
  }
}
