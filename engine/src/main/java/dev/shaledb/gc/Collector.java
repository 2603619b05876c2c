package dev.shaledb.gc;

import dev.shaledb.DbListener;
import dev.shaledb.GarbageCollector;
import dev.shaledb.GcOptions;
import dev.shaledb.GcResult;
import dev.shaledb.clone.CloneRelease;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.support.StoreClock;
import dev.shaledb.table.TableKeys;
import dev.shaledb.wal.WalGc;
import dev.shaledb.wal.WalKeys;
import dev.shaledb.wal.WalReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One garbage collection run over a database, in the order docs/gc.md argues for: read the store's
 * clock, read the latest manifest (after the writer removed expired checkpoints), retire the
 * versions that are not live, release a clone's pins in its sources once no live version borrows a
 * table ({@link CloneRelease}), then delete unreferenced old tables and the WAL objects below the
 * oldest live replay anchor that {@link WalGc} allows. Keeps the manifest low-water mark between
 * runs. Not thread-safe: {@link GarbageCollector} serialises runs.
 */
public final class Collector {
  /** Removes the checkpoints expired at a time; only a writer can. */
  @FunctionalInterface
  public interface CheckpointPruner {
    /** The version after removing the checkpoints expired at {@code now}, and how many went. */
    Pruned prune(Instant now);
  }

  /** The outcome of {@link CheckpointPruner#prune}. */
  public record Pruned(Manifest latest, int removed) {}

  /** Deletes issued at once before waiting for them. */
  private static final int DELETES_IN_FLIGHT = 32;

  private final MeteredObjectStore store;
  private final String path;
  private final Duration minAge;
  private final ManifestStore manifests;
  private final ManifestSweep sweep;
  private final WalReader walReader;
  private final CheckpointPruner pruner;
  private final DbListener listener;
  private final CorruptionReporter corruption;

  /** A collector; {@code pruner} is null unless this process is the writer. */
  Collector(
      ObjectStore store,
      String path,
      GcOptions options,
      CheckpointPruner pruner,
      DbListener listener) {
    this.store = new MeteredObjectStore(store);
    this.path = path;
    this.minAge = options.minAge();
    this.corruption = new CorruptionReporter(listener);
    this.manifests = new ManifestStore(this.store, path, corruption);
    this.sweep = new ManifestSweep(this.store, path, manifests, minAge);
    this.walReader = new WalReader(this.store, path, corruption);
    this.pruner = pruner;
    this.listener = listener;
  }

  GcResult run() {
    long requestsBefore = store.snapshot().totalRequests();
    // Time first: a table uploaded after this reading is never old enough to delete in this run,
    // and a table uploaded before it was published (if ever) before minAge passed.
    Instant now = StoreClock.now(store, path);
    Optional<Manifest> found = manifests.readLatest();
    if (found.isEmpty()) {
      return new GcResult(now, 0, 0, 0, 0, 0, 0, requests(requestsBefore));
    }
    Manifest latest = found.get();
    int removed = 0;
    if (pruner != null && hasExpired(latest.state(), now)) {
      Pruned pruned = pruner.prune(now);
      latest = pruned.latest();
      removed = pruned.removed();
    }
    ManifestSweep.Outcome outcome = sweep.sweep(latest, now);
    Set<String> referenced = new HashSet<>();
    long anchor = Long.MAX_VALUE;
    List<ManifestState> liveStates = new ArrayList<>();
    for (ManifestSweep.LiveVersion v : outcome.live()) {
      liveStates.add(v.state());
      referenced.addAll(v.state().tableIds());
      if (!v.pinOnly()) {
        anchor = Math.min(anchor, v.state().flushedWalId());
      }
    }
    CloneRelease.releaseIfUnused(store, manifests, latest, liveStates, corruption);
    List<ObjectMeta> tables =
        new TableCondemnation(manifests, path, minAge)
            .deletable(latest, referenced, Futures.join(store.list(TableKeys.prefix(path))), now);
    List<ObjectMeta> wal =
        WalGc.deletable(path, Futures.join(store.list(WalKeys.prefix(path))), anchor, walReader);
    long bytes = delete(tables) + delete(wal);
    return new GcResult(
        now,
        latest.id(),
        removed,
        outcome.retired(),
        tables.size(),
        wal.size(),
        bytes,
        requests(requestsBefore));
  }

  /** The low-water mark of the manifest sweep, for tests. */
  long manifestMark() {
    return sweep.mark();
  }

  static boolean hasExpired(ManifestState state, Instant now) {
    for (Checkpoint c : state.checkpoints()) {
      if (c.isExpired(now)) {
        return true;
      }
    }
    return false;
  }

  /** Deletes {@code objects}, a bounded number at a time; returns their bytes. */
  private long delete(List<ObjectMeta> objects) {
    long bytes = 0;
    for (int from = 0; from < objects.size(); from += DELETES_IN_FLIGHT) {
      List<ObjectMeta> chunk =
          objects.subList(from, Math.min(objects.size(), from + DELETES_IN_FLIGHT));
      List<CompletableFuture<Void>> pending = new ArrayList<>(chunk.size());
      for (ObjectMeta meta : chunk) {
        listener.beforeGcDelete(meta.key());
        pending.add(store.delete(meta.key()));
      }
      for (CompletableFuture<Void> f : pending) {
        Futures.join(f);
      }
      for (ObjectMeta meta : chunk) {
        bytes += meta.size();
      }
    }
    return bytes;
  }

  private long requests(long before) {
    return store.snapshot().totalRequests() - before;
  }
}
