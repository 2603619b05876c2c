package dev.shaledb;

import static java.util.Objects.requireNonNull;

import dev.shaledb.compaction.Compactions;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.FencedException;
import dev.shaledb.manifest.FenceableManifest;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.support.BackgroundHealth;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.support.DbPaths;
import dev.shaledb.support.StoreChecks;
import dev.shaledb.support.Threads;
import dev.shaledb.table.TableIds;
import dev.shaledb.table.TableStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compactor running on its own, in another process or machine than the writer: open it with
 * {@link CompactionOptions#disabled()} in the writer's {@link DbOptions}.
 *
 * <p>{@link #open} raises the compactor epoch, which fences every earlier compactor (including one
 * inside a {@link Db}): a fenced compactor's next manifest update fails and its outputs are never
 * referenced. It then probes for a new manifest version every {@link
 * CompactionOptions#pollInterval()} (one HEAD of the next id when nothing changed) and compacts as
 * the policy says. Outputs are uploaded before the manifest references them, so a compactor that
 * dies midway leaves only unreferenced objects for GC.
 *
 * <p>A job may take as long as it takes: if garbage collection condemns its outputs before they are
 * published (the job stalled longer than the collector's {@link GcOptions#minAge()}), the publish
 * is refused and the job is redone from a fresh plan (docs/gc.md).
 *
 * <p>Versions older than the newest of each key are dropped as soon as they are compacted: a {@link
 * Snapshot} of the writer's process is honoured only by a compactor in that process. Thread-safe;
 * {@link #close()} is idempotent and abandons running jobs.
 */
public final class Compactor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);
  private final BackgroundHealth health;

  private final FenceableManifest manifest;
  private final Compactions compactions;
  private final ScheduledExecutorService scheduler;
  private final ScheduledFuture<?> poll;
  private volatile boolean closed;

  private Compactor(
      FenceableManifest manifest,
      TableStore tables,
      SstOptions tableOptions,
      CompactionOptions options,
      DbListener listener) {
    this.manifest = manifest;
    this.health = new BackgroundHealth(listener);
    this.scheduler = Threads.scheduler("compactor", 1);
    Clock clock = options.clock() == null ? Clock.systemUTC() : options.clock();
    this.compactions =
        new Compactions(
            manifest,
            tables,
            new TableIds(clock, new SecureRandom()),
            tableOptions,
            options,
            clock,
            () -> Long.MAX_VALUE,
            m -> {},
            scheduler,
            listener,
            health);
    long millis = options.pollInterval().toMillis();
    this.poll = scheduler.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
    compactions.wake();
  }

  /** Opens a compactor for the database at the root of {@code store}, with default tables. */
  public static Compactor open(ObjectStore store, String path, CompactionOptions options) {
    return open(store, path, options, SstOptions.defaults());
  }

  /**
   * Opens a compactor for the database under {@code path}, writing tables with {@code
   * tableOptions}. The database must exist.
   *
   * @throws dev.shaledb.error.DbNotFoundException if no database exists at {@code path}; nothing is
   *     created
   */
  public static Compactor open(
      ObjectStore store, String path, CompactionOptions options, SstOptions tableOptions) {
    return open(store, path, options, tableOptions, DbListener.NONE);
  }

  /**
   * As {@link #open(ObjectStore, String, CompactionOptions, SstOptions)}, telling {@code listener}
   * about each compaction ({@link DbListener#onCompactionOutputsUploaded} and {@link
   * DbListener#onCompactionPublished}) and about each damaged table or manifest version it reads
   * ({@link DbListener#onCorruptionDetected}); its other methods are not called.
   */
  public static Compactor open(
      ObjectStore store,
      String path,
      CompactionOptions options,
      SstOptions tableOptions,
      DbListener listener) {
    requireNonNull(store, "store is null");
    requireNonNull(path, "path is null");
    requireNonNull(options, "options is null");
    requireNonNull(tableOptions, "tableOptions is null");
    requireNonNull(listener, "listener is null");
    ManifestKeys.validateDbPath(path);
    CorruptionReporter corruption = new CorruptionReporter(listener);
    ManifestStore manifests = new ManifestStore(store, path, corruption);
    DbPaths.requireDatabase(manifests);
    StoreChecks.verify(store, path, corruption);
    return new Compactor(
        FenceableManifest.openCompactor(manifests),
        new TableStore(store, path, null, corruption),
        tableOptions,
        options,
        listener);
  }

  /** This compactor's epoch. */
  public long epoch() {
    return manifest.epoch();
  }

  /** Whether a newer compactor took over; a fenced compactor does nothing more. */
  public boolean isFenced() {
    return compactions.isFenced() || manifest.isFenced();
  }

  /** Compactions published so far. */
  public long compactions() {
    return compactions.completed.sum();
  }

  /**
   * Reads the latest manifest now and waits until nothing is left to compact; false on timeout.
   *
   * @throws FencedException if a newer compactor took over
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean compactNow(Duration timeout) throws InterruptedException {
    requireNonNull(timeout, "timeout is null");
    if (closed) {
      throw new DbClosedException("compactor");
    }
    compactions.offer(manifest.refresh());
    return compactions.awaitIdle(timeout);
  }

  private void poll() {
    try {
      compactions.offer(manifest.refresh());
    } catch (FencedException e) {
      LOG.info("compactor fenced; stopping: {}", e.getMessage());
      poll.cancel(false);
    } catch (RuntimeException e) {
      health.failed(
          DbListener.BackgroundTask.MANIFEST_POLL,
          LOG,
          "manifest poll failed; next poll retries",
          e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    poll.cancel(false);
    compactions.close();
    scheduler.shutdownNow();
  }
}
