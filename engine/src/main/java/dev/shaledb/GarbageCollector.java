package dev.shaledb;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.gc.GcDryRun;
import dev.shaledb.gc.GcService;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.support.DbPaths;
import dev.shaledb.support.StoreChecks;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Deletes what a database no longer needs: tables no live manifest version lists, WAL objects below
 * the oldest live replay anchor (as far as the WAL protocol allows), and retires old manifest
 * versions. The rules and why they are safe are in docs/gc.md; in short, everything a version
 * superseded less than {@link GcOptions#minAge()} ago, the latest version or an unexpired
 * checkpoint may need is kept.
 *
 * <p>A standalone collector may run in any process, alongside the writer and readers, and several
 * collectors may run at once (their deletions are idempotent). It never removes checkpoints; the
 * writer's own collector ({@link Db#collectGarbage()}) removes expired ones.
 *
 * <p>{@link #run()} collects once, on the calling thread. With a scheduler, the collector also runs
 * every {@link GcOptions#interval()} (a failed periodic run is logged and retried at the next
 * interval). Runs are serialised. Thread-safe; {@link #close()} is idempotent, waits for a run in
 * progress and does not close the store or the scheduler.
 */
public final class GarbageCollector implements AutoCloseable {
  private final GcService service;

  private GarbageCollector(GcService service) {
    this.service = service;
  }

  /**
   * A collector for the database at {@code path}; it runs only when {@link #run()} is called.
   *
   * @throws dev.shaledb.error.DbNotFoundException if no database exists at {@code path}; nothing is
   *     created
   */
  public static GarbageCollector open(ObjectStore store, String path, GcOptions options) {
    return start(store, path, options, null);
  }

  /** A collector that also runs every {@link GcOptions#interval()} on {@code scheduler}. */
  public static GarbageCollector open(
      ObjectStore store, String path, GcOptions options, ScheduledExecutorService scheduler) {
    requireNonNull(scheduler, "scheduler is null");
    return start(store, path, options, scheduler);
  }

  private static GarbageCollector start(
      ObjectStore store, String path, GcOptions options, ScheduledExecutorService scheduler) {
    requireNonNull(store, "store is null");
    requireNonNull(path, "path is null");
    requireNonNull(options, "options is null");
    ManifestKeys.validateDbPath(path);
    DbPaths.requireDatabase(new ManifestStore(store, path, CorruptionReporter.NONE));
    StoreChecks.verify(store, path, CorruptionReporter.NONE);
    return new GarbageCollector(
        GcService.start(store, path, options, scheduler, null, DbListener.NONE, null));
  }

  /**
   * What one run of a collector with {@code options} would do now, without doing it: no DELETE, no
   * manifest retired or published (docs/gc.md, "Dry run"). The only write is the store clock probe
   * every run makes ({@code <path>/gc/clock}, empty), since a PUT is the only way to read the
   * store's clock. Runs the same code as {@link #run()} over a store that records writes, so the
   * plan is exact at the moment it is made. Needs no collector and makes no store check.
   */
  public static GcPlan plan(ObjectStore store, String path, GcOptions options) {
    requireNonNull(store, "store is null");
    requireNonNull(path, "path is null");
    requireNonNull(options, "options is null");
    return GcDryRun.plan(store, path, options);
  }

  /**
   * Collects once, on the calling thread, after a run in progress finishes.
   *
   * @throws DbClosedException after {@link #close()}
   */
  public GcResult run() {
    return service.run();
  }

  /** What the latest run found and deleted, if one completed. */
  public Optional<GcResult> lastResult() {
    return service.lastResult();
  }

  @Override
  public void close() {
    service.close();
  }

  /** The collector's manifest low-water mark; for tests. */
  long manifestMark() {
    return service.manifestMark();
  }
}
