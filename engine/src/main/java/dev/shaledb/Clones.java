package dev.shaledb;

import static java.util.Objects.requireNonNull;

import dev.shaledb.clone.CloneCreation;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.support.StoreChecks;
import java.util.UUID;

/**
 * Creates clones: a new database at another path of the same object store, starting from a version
 * of an existing one and sharing its tables without copying them. Writes to either never touch the
 * other; the garbage collector of either never deletes a table the other still lists (the clone
 * holds a checkpoint in its source until it has compacted every shared table away). Open the clone
 * like any database ({@link Db#open}, {@link DbReader#open}). See docs/gc.md, "Clones".
 *
 * <p>{@link Db#createClone} clones everything a writer has accepted; the methods here clone what a
 * source's manifest holds, from any process, fencing nobody.
 */
public final class Clones {
  private Clones() {}

  /**
   * Clones the latest published version of the database at {@code sourcePath}: every write its
   * writer has flushed into tables (not writes still only in its WAL).
   *
   * @throws dev.shaledb.error.DbNotFoundException if there is no database at {@code sourcePath}
   * @throws dev.shaledb.error.DbExistsException if there is one at {@code targetPath}
   */
  public static CloneInfo create(ObjectStore store, String sourcePath, String targetPath) {
    return create(store, sourcePath, targetPath, null);
  }

  /**
   * Clones the version that checkpoint {@code checkpointId} of {@code sourcePath} pins (null: the
   * latest published version). A checkpoint that expires while the clone is created fails it.
   *
   * @throws dev.shaledb.error.CheckpointNotFoundException if the source has no such checkpoint, or
   *     it expired
   * @throws dev.shaledb.error.DbExistsException if there is a database at {@code targetPath}; it is
   *     unchanged, and so is the source
   */
  public static CloneInfo create(
      ObjectStore store, String sourcePath, String targetPath, UUID checkpointId) {
    return create(store, sourcePath, targetPath, checkpointId, DbListener.NONE);
  }

  /**
   * As {@link #create(ObjectStore, String, String, UUID)}, telling {@code listener} of every
   * damaged object found ({@link DbListener#onCorruptionDetected}) before it is thrown.
   */
  public static CloneInfo create(
      ObjectStore store,
      String sourcePath,
      String targetPath,
      UUID checkpointId,
      DbListener listener) {
    requireNonNull(store, "store is null");
    requireNonNull(listener, "listener is null");
    ManifestKeys.validateDbPath(requireNonNull(sourcePath, "sourcePath is null"));
    ManifestKeys.validateDbPath(requireNonNull(targetPath, "targetPath is null"));
    // The source's probe record answers for the store, so a refused clone writes nothing at the
    // target.
    CorruptionReporter corruption = new CorruptionReporter(listener);
    StoreChecks.verify(store, sourcePath, corruption);
    return info(
        CloneCreation.create(store, sourcePath, targetPath, checkpointId, corruption), targetPath);
  }

  static CloneInfo info(CloneCreation.Created c, String targetPath) {
    return new CloneInfo(
        c.pin().sourcePath(),
        targetPath,
        c.pin().checkpointId(),
        c.pin().manifestId(),
        c.tables(),
        c.bytes());
  }
}
