package dev.shaledb.core;

import static java.util.Objects.requireNonNull;

import dev.shaledb.DbListener;
import dev.shaledb.compaction.Compactions;
import dev.shaledb.error.FencedException;
import dev.shaledb.manifest.FenceableManifest;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.read.LatestReads;
import dev.shaledb.support.BackgroundHealth;
import dev.shaledb.table.TableStore;
import dev.shaledb.view.DbView;
import dev.shaledb.view.ViewRef;
import dev.shaledb.write.WriterState;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the writer process's view on the latest manifest: the tables its own flushes and
 * compactions publish, and those a compactor elsewhere publishes (by polling, or at once when a
 * read lost its tables).
 *
 * <p>Invariants: the view's manifest id never goes back; tables the adopted manifest no longer
 * lists are closed; a fence met while refreshing fails the writer (its reads fail with their own
 * exception, writes learn of the fence).
 */
final class ViewFollower implements LatestReads.Views {
  private static final Logger LOG = LoggerFactory.getLogger(ViewFollower.class);

  private final ViewRef view;
  private final TableStore tables;
  private final FenceableManifest manifest;
  private final WriterState state;
  private final Supplier<Compactions> compactions;
  private final BackgroundHealth health;

  ViewFollower(
      ViewRef view,
      TableStore tables,
      FenceableManifest manifest,
      WriterState state,
      Supplier<Compactions> compactions,
      BackgroundHealth health) {
    this.view = requireNonNull(view, "view is null");
    this.tables = requireNonNull(tables, "tables is null");
    this.manifest = requireNonNull(manifest, "manifest is null");
    this.state = requireNonNull(state, "state is null");
    this.compactions = requireNonNull(compactions, "compactions is null");
    this.health = requireNonNull(health, "health is null");
  }

  @Override
  public DbView latest() {
    return view.get();
  }

  /** Reads from the tables of {@code m} (if newer) and closes tables no longer listed. */
  void adopt(Manifest m) {
    DbView now = view.update(v -> v.withManifest(m));
    tables.retainOnly(now.manifest().tableIds());
  }

  /** One poll; false once a fence ended polling for good. */
  boolean poll() {
    if (compactsHere()) {
      return true; // the poll costs nothing while this process's compactor is in charge
    }
    try {
      adopt(manifest.refresh());
    } catch (FencedException e) {
      state.fail(e);
      return false;
    } catch (RuntimeException e) {
      health.failed(
          DbListener.BackgroundTask.MANIFEST_POLL,
          LOG,
          "manifest poll failed; next poll retries",
          e);
    }
    return true;
  }

  @Override
  public boolean compactsHere() {
    Compactions c = compactions.get();
    return c != null && !c.isFenced();
  }

  @Override
  public boolean catchUp(DbView stale) {
    Compactions c = compactions.get();
    if (c != null) {
      c.checkFenced(); // an idle compactor here may have been fenced by one elsewhere
    }
    if (!compactsHere()) {
      try {
        adopt(manifest.refresh());
      } catch (FencedException e) {
        state.fail(e); // the read fails with its own exception; writes learn of the fence
        return false;
      }
    }
    return view.get().manifestId() > stale.manifestId();
  }
}
