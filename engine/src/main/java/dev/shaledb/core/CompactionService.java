package dev.shaledb.core;

import dev.shaledb.CompactionOptions;
import dev.shaledb.DbOptions;
import dev.shaledb.compaction.Compactions;
import dev.shaledb.manifest.FenceableManifest;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.support.BackgroundHealth;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.table.TableIds;
import dev.shaledb.table.TableStore;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Compaction as an open database sees it: the in-process compactor when {@link
 * CompactionOptions#enabled()}, and always the manifest poll that moves reads to the tables a
 * compactor elsewhere publishes.
 *
 * <p>Invariants: {@link #current()} is null until {@link #start} and stays null when compaction
 * runs elsewhere; the in-process compactor fences any other compactor when it starts; the poll
 * stops for good once a fence ends it ({@link ViewFollower#poll()}) or at {@link #stopPolling()}.
 */
final class CompactionService {
  private final DbOptions options;
  private final ScheduledExecutorService background;
  private final BackgroundHealth health;
  private volatile Compactions compactions;
  private volatile ScheduledFuture<?> manifestPoll;

  CompactionService(
      DbOptions options, ScheduledExecutorService background, BackgroundHealth health) {
    this.options = options;
    this.background = background;
    this.health = health;
  }

  /**
   * Starts the in-process compactor, which fences any other compactor; or, with compaction
   * elsewhere, polls the manifest so reads move to the tables another process compacted.
   *
   * @param retainSeq the oldest sequence number a reader may read at: every newer version is kept
   */
  void start(
      ObjectStore store,
      String path,
      CorruptionReporter corruption,
      TableStore tables,
      TableIds tableIds,
      LongSupplier retainSeq,
      ViewFollower follower) {
    CompactionOptions compaction = options.compaction();
    if (compaction.enabled()) {
      Compactions started =
          new Compactions(
              FenceableManifest.openCompactor(new ManifestStore(store, path, corruption)),
              tables,
              tableIds,
              options.tableOptions(),
              compaction,
              options.clock(),
              retainSeq,
              follower::adopt,
              background,
              options.listener(),
              health);
      compactions = started;
      started.wake();
    }
    // Also with compaction here: once another compactor fences this one, reads must follow the
    // tables it writes. The poll costs nothing while this process's compactor is in charge.
    long millis = compaction.pollInterval().toMillis();
    manifestPoll =
        background.scheduleWithFixedDelay(
            () -> {
              if (!follower.poll()) {
                manifestPoll.cancel(false);
              }
            },
            millis,
            millis,
            TimeUnit.MILLISECONDS);
  }

  /** The in-process compactor, or null if none runs (yet). */
  Compactions current() {
    return compactions;
  }

  /** After a flush published {@code m}: compaction may have work. */
  void flushed(Manifest m) {
    Compactions c = compactions;
    if (c != null) {
      c.offer(m);
    }
  }

  /** Waits until compaction has nothing to do; false on timeout or if it does not run here. */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    Compactions c = compactions;
    return c != null && c.awaitIdle(timeout);
  }

  /**
   * Stops the compactor. Running compactions are abandoned (their outputs become garbage) rather
   * than awaited; the next open's compactor redoes them.
   */
  void close() {
    Compactions c = compactions;
    if (c != null) {
      c.close();
    }
  }

  /** Cancels the manifest poll, if it was started. */
  void stopPolling() {
    ScheduledFuture<?> poll = manifestPoll;
    if (poll != null) {
      poll.cancel(false);
    }
  }
}
