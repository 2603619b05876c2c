package dev.shaledb;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * A clone just created by {@link Clones} or {@link Db#createClone}: a new database that shares the
 * tables of one version of its source without copying them (docs/gc.md, "Clones").
 *
 * @param sourcePath the database cloned
 * @param targetPath the new database
 * @param sourceCheckpointId the checkpoint the clone holds in its source; its garbage collector
 *     removes it once it shares no table any more. Deleting it by hand lets the source's collector
 *     delete tables the clone still reads
 * @param sourceManifestId the source's version the clone started from
 * @param sharedTables how many tables the clone shares
 * @param sharedBytes their total size
 */
public record CloneInfo(
    String sourcePath,
    String targetPath,
    UUID sourceCheckpointId,
    long sourceManifestId,
    int sharedTables,
    long sharedBytes) {
  public CloneInfo {
    requireNonNull(sourcePath, "sourcePath is null");
    requireNonNull(targetPath, "targetPath is null");
    requireNonNull(sourceCheckpointId, "sourceCheckpointId is null");
  }
}
