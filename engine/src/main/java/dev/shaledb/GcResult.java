package dev.shaledb;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What one garbage collection run did; see docs/gc.md.
 *
 * @param storeTime the object store's clock at the start of the run, the "now" every age was
 *     measured against
 * @param latestManifestId the latest manifest version the run worked from (0: no database yet)
 * @param checkpointsRemoved expired checkpoints removed from the manifest (only a writer's
 *     collector removes them)
 * @param manifestsRetired manifest versions retired (overwritten with zero bytes, never deleted)
 * @param tablesDeleted table objects deleted
 * @param walObjectsDeleted WAL objects deleted
 * @param bytesDeleted bytes of the deleted tables and WAL objects
 * @param requests object-store requests the run made (not counting the writer's publish that
 *     removes expired checkpoints)
 */
public record GcResult(
    Instant storeTime,
    long latestManifestId,
    int checkpointsRemoved,
    int manifestsRetired,
    int tablesDeleted,
    int walObjectsDeleted,
    long bytesDeleted,
    long requests) {

  public GcResult {
    requireNonNull(storeTime, "storeTime is null");
    if (latestManifestId < 0
        || checkpointsRemoved < 0
        || manifestsRetired < 0
        || tablesDeleted < 0
        || walObjectsDeleted < 0
        || bytesDeleted < 0
        || requests < 0) {
      throw new IllegalArgumentException("a GcResult count is negative");
    }
  }
}
