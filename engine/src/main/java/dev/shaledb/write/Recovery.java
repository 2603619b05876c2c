package dev.shaledb.write;

import dev.shaledb.DbListener;
import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.FencedException;
import dev.shaledb.manifest.FenceableManifest;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.view.Memtable;
import dev.shaledb.wal.ReplayAnchorMissingException;
import dev.shaledb.wal.WalFence;
import dev.shaledb.wal.WalReader;
import dev.shaledb.wal.WalReplay;
import dev.shaledb.wal.WalWriter;
import dev.shaledb.wal.WalWriterOptions;

/**
 * Opening as the writer, in the order docs/protocol.md §5 requires: raise the writer epoch, fence
 * the WAL at the manifest's {@code nextWalId}, re-check the epoch, replay the WAL from the
 * manifest's anchor into a fresh memtable, and only then start the WAL writer after the fence.
 */
public final class Recovery {
  /** What an open leaves behind. */
  public record Recovered(
      FenceableManifest manifest,
      ManifestState state,
      WalWriter wal,
      Memtable memtable,
      long lastSeq,
      WalReplay replay) {}

  private Recovery() {}

  /**
   * @param manifests the database's manifests on {@code store}, whose cached latest version (if
   *     read) spares the search for it
   */
  public static Recovered open(
      ObjectStore store,
      ManifestStore manifests,
      WalWriterOptions walOptions,
      long memtableBytes,
      DbListener listener,
      CorruptionReporter corruption) {
    String path = manifests.dbPath();
    FenceableManifest manifest = FenceableManifest.openWriter(manifests);
    listener.onRecoveryStep(DbListener.RecoveryStep.EPOCH_RAISED);
    ManifestState bumped = manifest.latest().state();
    WalFence fence;
    try {
      fence = WalFence.place(store, path, manifest.epoch(), bumped.nextWalId());
    } catch (CorruptObjectException e) {
      throw corruption.reported(e); // a damaged header read back after an uncertain fence put
    }
    listener.onRecoveryStep(DbListener.RecoveryStep.WAL_FENCED);
    Manifest current = manifest.refresh();
    if (current.state().writerEpoch() != manifest.epoch()) {
      throw new FencedException(
          "another writer opened the database while this one was opening (epoch "
              + current.state().writerEpoch()
              + " > "
              + manifest.epoch()
              + ")");
    }
    ManifestState state = current.state();
    Memtable memtable = new Memtable(memtableBytes);
    long flushedSeq = state.lastFlushedSeq();
    WalReplay replay;
    try {
      replay =
          new WalReader(store, path, corruption)
              .replay(
                  state.flushedWalId(),
                  replayed -> WalApply.apply(replayed.batch(), flushedSeq, memtable));
    } catch (ReplayAnchorMissingException e) {
      // No collector may delete at or above the anchor of the latest version (protocol.md §3
      // step 1): the object was lost, which is damage to the database.
      throw corruption.reported(
          new CorruptObjectException(e.key(), -1, "the WAL replay anchor is missing"));
    }
    listener.onRecoveryStep(DbListener.RecoveryStep.WAL_REPLAYED);
    WalWriter wal = WalWriter.open(store, path, walOptions, fence, replay, corruption);
    long lastSeq = Math.max(flushedSeq, replay.lastSeq());
    return new Recovered(manifest, state, wal, memtable, lastSeq, replay);
  }
}
