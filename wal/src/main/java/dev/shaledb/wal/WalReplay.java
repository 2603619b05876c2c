package dev.shaledb.wal;

/**
 * What {@link WalReader#replay} found.
 *
 * @param anchorId the replay anchor it started from
 * @param chainTailId the id of the last object it applied (or of the last fence or the anchor): the
 *     predecessor of the next object the current writer writes
 * @param firstAbsentId the first id after the anchor with no object: where the log ends
 * @param maxEpoch the highest writer epoch seen (0 if the log is empty)
 * @param lastSeq the highest sequence number of an applied batch, 0 if none
 * @param appliedObjects objects whose batches were applied (fences included)
 * @param skippedObjects objects ignored: fenced writers' late puts and re-placed orphans
 * @param appliedBatches batches handed to the sink
 */
public record WalReplay(
    long anchorId,
    long chainTailId,
    long firstAbsentId,
    long maxEpoch,
    long lastSeq,
    int appliedObjects,
    int skippedObjects,
    long appliedBatches) {}
