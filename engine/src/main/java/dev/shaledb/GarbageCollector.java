package dev.shaledb;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.FencedException;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.objectstore.ObjectStore;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
  private final BackgroundHealth health;

  private final Collector collector;
  private final String path;
  private volatile ScheduledFuture<?> periodic;
  private volatile boolean closed;
  private volatile GcResult lastResult;

  private GarbageCollector(Collector collector, String path, BackgroundHealth health) {
    this.collector = collector;
    this.path = path;
    this.health = health;
  }

  /** A collector for the database under {@code path} ("" for the store root), run on demand. */
  public static GarbageCollector open(ObjectStore store, String path, GcOptions options) {
    return create(store, path, options, null, null, DbListener.NONE, null);
  }

  /**
   * As {@link #open(ObjectStore, String, GcOptions)}, also running every {@link
   * GcOptions#interval()} on {@code scheduler} (unless the interval is zero).
   */
  public static GarbageCollector open(
      ObjectStore store, String path, GcOptions options, ScheduledExecutorService scheduler) {
    requireNonNull(scheduler, "scheduler is null");
    return create(store, path, options, scheduler, null, DbListener.NONE, null);
  }

  /** The writer's collector, which also removes expired checkpoints. */
  static GarbageCollector create(
      ObjectStore store,
      String path,
      GcOptions options,
      ScheduledExecutorService scheduler,
      Collector.CheckpointPruner pruner,
      DbListener listener,
      BackgroundHealth health) {
    requireNonNull(store, "store is null");
    requireNonNull(path, "path is null");
    requireNonNull(options, "options is null");
    ManifestKeys.validateDbPath(path);
    GarbageCollector gc =
        new GarbageCollector(
            new Collector(store, path, options, pruner, listener),
            path,
            health == null ? new BackgroundHealth(listener) : health);
    if (scheduler != null && options.periodic()) {
      long millis = Math.max(1, options.interval().toMillis());
      gc.periodic =
          scheduler.scheduleWithFixedDelay(
              gc::runPeriodically, millis, millis, TimeUnit.MILLISECONDS);
    }
    return gc;
  }

  /**
   * Collects once and reports what was done.
   *
   * @throws DbClosedException after {@link #close()}
   * @throws dev.shaledb.error.FencedException in a writer's collector, if another writer took over
   */
  public synchronized GcResult run() {
    if (closed) {
      throw new DbClosedException("garbage collector");
    }
    GcResult result = collector.run();
    lastResult = result;
    return result;
  }

  /** The result of the last completed run, on demand or periodic. */
  public Optional<GcResult> lastResult() {
    return Optional.ofNullable(lastResult);
  }

  /** Stops periodic runs and waits for a run in progress; later {@link #run()} calls fail. */
  @Override
  public void close() {
    closed = true;
    ScheduledFuture<?> p = periodic;
    if (p != null) {
      p.cancel(false);
    }
    synchronized (this) {
      // Entering the monitor waits for a run in progress to finish.
      periodic = null;
    }
  }

  long manifestMark() {
    return collector.manifestMark();
  }

  private void runPeriodically() {
    if (closed) {
      return;
    }
    try {
      run();
    } catch (DbClosedException closedMeanwhile) {
      // close() raced with the schedule: nothing to do.
    } catch (FencedException e) {
      LOG.info("garbage collection of '{}' stops: writer fenced: {}", path, e.getMessage());
      ScheduledFuture<?> p = periodic;
      if (p != null) {
        p.cancel(false);
      }
    } catch (RuntimeException e) {
      // Never let a failure end the schedule; the next interval retries.
      health.failed(
          DbListener.BackgroundTask.GC,
          LOG,
          "garbage collection of '" + path + "' failed; retrying at the next interval",
          e);
    }
  }
}
