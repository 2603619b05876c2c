package dev.shaledb.write;

import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.view.Memtable;
import dev.shaledb.wal.WalBatch;
import dev.shaledb.wal.WalEntry;
import java.util.List;

/**
 * The one routine that turns WAL entries into memtable versions, shared by the write path (a new
 * batch), recovery (replay from the anchor) and readers (tailing the WAL), so the three can never
 * disagree on what a WAL entry means.
 *
 * <p>Entry {@code i} of a batch gets sequence number {@code firstSeq + i} (docs/formats/wal.md).
 * Versions at or below {@code appliedThrough} are skipped: a table or an earlier apply holds them
 * already, and adding a version twice is an error in the memtable.
 */
public final class WalApply {
  private WalApply() {}

  /**
   * Adds the versions of {@code batch} above {@code appliedThrough} to {@code memtable}.
   *
   * @return the highest sequence number now in the memtable from this batch, or {@code
   *     appliedThrough} if the batch held nothing newer
   */
  public static long apply(WalBatch batch, long appliedThrough, Memtable memtable) {
    List<WalEntry> entries = batch.entries();
    long first = batch.firstSeq();
    long applied = appliedThrough;
    for (int i = 0; i < entries.size(); i++) {
      long seq = first + i;
      if (seq <= appliedThrough) {
        continue;
      }
      WalEntry e = entries.get(i);
      if (e.kind() == WalEntry.Kind.DELETE_RANGE) {
        memtable.addRangeTombstone(e.key(), e.rangeEnd(), seq);
      } else {
        long expiry = e.hasExpiry() ? e.expireAtMillis() : SstEntry.NO_EXPIRY;
        // The memtable copies the bytes into its arena, so the entry's own arrays are passed.
        memtable.add(e.keyRef(), seq, kindOf(e), e.valueRef(), expiry);
      }
      applied = seq;
    }
    return applied;
  }

  private static EntryKind kindOf(WalEntry e) {
    return switch (e.kind()) {
      case PUT -> EntryKind.PUT;
      case DELETE -> EntryKind.DELETE;
      case MERGE -> EntryKind.MERGE;
      case DELETE_RANGE -> throw new IllegalArgumentException("a range delete is no version");
    };
  }
}
