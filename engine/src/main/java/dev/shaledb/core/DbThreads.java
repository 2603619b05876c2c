package dev.shaledb.core;

import dev.shaledb.DbOptions;
import dev.shaledb.support.Threads;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The two executors of an open database and who owns them: the WAL's {@link #scheduler()} and the
 * {@link #background()} executor for flushes, compaction retries, GC and manifest polls.
 *
 * <p>Invariants: work that blocks on the store never runs on the WAL's scheduler, which may also
 * run the store's retries and completions (blocking it could leave nothing to complete what the
 * work waits for); an executor the user passed in {@link DbOptions} is used, never shut down; one
 * the engine created is shut down exactly by {@link #abort()} (a failed open) or by {@link
 * #stopBackground()} and {@link #stopScheduler()} (close).
 */
final class DbThreads {
  private final ScheduledExecutorService scheduler;
  private final ScheduledExecutorService background;
  private final boolean ownsScheduler;
  private final boolean ownsBackground;
  private final Duration closeTimeout;

  private DbThreads(
      ScheduledExecutorService scheduler,
      boolean ownsScheduler,
      ScheduledExecutorService background,
      boolean ownsBackground,
      Duration closeTimeout) {
    this.scheduler = scheduler;
    this.ownsScheduler = ownsScheduler;
    this.background = background;
    this.ownsBackground = ownsBackground;
    this.closeTimeout = closeTimeout;
  }

  /** The executors {@code options} names, with the engine's own in place of those it does not. */
  static DbThreads start(DbOptions options) {
    boolean ownsScheduler = options.scheduler() == null;
    ScheduledExecutorService scheduler =
        ownsScheduler ? Threads.scheduler("wal", 2) : options.scheduler();
    boolean ownsBackground = options.background() == null;
    ScheduledExecutorService background =
        ownsBackground ? Threads.scheduler("background", 2) : options.background();
    return new DbThreads(
        scheduler, ownsScheduler, background, ownsBackground, options.walOptions().closeTimeout());
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  ScheduledExecutorService background() {
    return background;
  }

  /** After a failed open: stops the engine's own executors at once. */
  void abort() {
    if (ownsBackground) {
      background.shutdownNow();
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  /** Stops the engine's own background executor, waiting up to the WAL's close timeout. */
  void stopBackground() {
    if (ownsBackground) {
      background.shutdown();
      awaitTermination(background);
    }
  }

  /** Stops the engine's own WAL scheduler, waiting up to the WAL's close timeout. */
  void stopScheduler() {
    if (ownsScheduler) {
      scheduler.shutdown();
      awaitTermination(scheduler);
    }
  }

  private void awaitTermination(ScheduledExecutorService executor) {
    try {
      executor.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
