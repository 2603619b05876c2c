package dev.shaledb.gc;

import static java.util.Objects.requireNonNull;

import dev.shaledb.DbListener;
import dev.shaledb.GarbageCollector;
import dev.shaledb.GcOptions;
import dev.shaledb.GcResult;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.FencedException;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.support.BackgroundHealth;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Collector} as a service: runs serialised, an optional periodic schedule whose failures
 * are reported through {@link BackgroundHealth} and retried at the next interval, and a close that
 * waits for a run in progress. The writer's collector and the standalone {@link GarbageCollector}
 * are both one of these.
 */
public final class GcService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GcService.class);
  private final BackgroundHealth health;

  private final Collector collector;
  private final String path;
  private volatile ScheduledFuture<?> periodic;
  private volatile boolean closed;
  private volatile GcResult lastResult;

  private GcService(Collector collector, String path, BackgroundHealth health) {
    this.collector = collector;
    this.path = path;
    this.health = health;
  }

  /** A collector for the database under {@code path} ("" for the store root), run on demand. */
  public static GcService start(
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
    GcService gc =
        new GcService(
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

  public long manifestMark() {
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
