package dev.shaledb.manifest;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * A pin a clone holds in the database it was cloned from: checkpoint {@code checkpointId} of the
 * database at {@code sourcePath} pins that database's version {@code manifestId}, whose tables the
 * clone lists without copying them ({@link TableInfo#home()}). The source's garbage collector keeps
 * them because of that checkpoint; the clone's collector removes the checkpoint, and then this pin,
 * once no live version of the clone lists a borrowed table any more (docs/gc.md, "Clones").
 *
 * @param sourcePath the path of the source database in the same object store
 * @param checkpointId the id of the checkpoint in the source's manifest
 * @param manifestId the source version the checkpoint pins, at least 1
 */
public record ClonePin(String sourcePath, UUID checkpointId, long manifestId) {
  public ClonePin {
    ManifestKeys.validateDbPath(requireNonNull(sourcePath, "sourcePath is null"));
    requireNonNull(checkpointId, "checkpointId is null");
    if (manifestId < 1) {
      throw new IllegalArgumentException("manifestId is not positive: " + manifestId);
    }
  }
}
