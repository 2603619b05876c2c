package dev.shaledb.wal;

import static java.util.Objects.requireNonNull;

/**
 * A batch recovered by {@link WalReader#replay}, with the WAL object that held it.
 *
 * @param walId the id of the WAL object
 * @param batch the batch; its sequence range is {@code batch.firstSeq()..batch.lastSeq()}
 */
public record ReplayedBatch(long walId, WalBatch batch) {
  public ReplayedBatch {
    if (walId < 1) {
      throw new IllegalArgumentException("walId is not positive: " + walId);
    }
    requireNonNull(batch, "batch is null");
  }
}
