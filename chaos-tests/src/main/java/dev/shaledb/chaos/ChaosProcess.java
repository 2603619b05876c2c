package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import dev.shaledb.CompactionOptions;
import dev.shaledb.Db;
import dev.shaledb.DbOptions;
import dev.shaledb.GcOptions;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.RetryingObjectStore;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.wal.WalWriterOptions;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One in-process "process" of the database: a {@link Db}, its own scheduler (the only threads that
 * run its background work), and its own stack over the shared store — retries over injected faults
 * over a {@link CrashPointStore}. {@link #kill()} is a crash: the store boundary dies first, so
 * nothing more reaches the shared store, then the threads stop; nothing is flushed or closed.
 *
 * <p>Not thread-safe as a lifecycle: one harness thread opens and kills a process; the {@link Db}
 * itself may be used from several threads.
 */
public final class ChaosProcess implements AutoCloseable {
  private final int id;
  private final CrashPointStore boundary;
  private final FaultInjectingObjectStore faults;
  private final ScheduledThreadPoolExecutor scheduler;
  private final ScheduledThreadPoolExecutor network;
  private final ScheduledThreadPoolExecutor background;
  private final CrashHooks hooks;
  private final ObjectStore store;
  private final Db db;
  private boolean ended;

  private ChaosProcess(
      int id,
      CrashPointStore boundary,
      FaultInjectingObjectStore faults,
      ScheduledThreadPoolExecutor scheduler,
      ScheduledThreadPoolExecutor network,
      ScheduledThreadPoolExecutor background,
      CrashHooks hooks,
      ObjectStore store,
      Db db) {
    this.id = id;
    this.store = store;
    this.hooks = hooks;
    this.background = background;
    this.network = network;
    this.boundary = boundary;
    this.faults = faults;
    this.scheduler = scheduler;
    this.db = db;
  }

  /**
   * What a process needs besides the shared store; {@code seed} drives faults and retries. With
   * {@code oneScheduler} the engine and the network share one pool, as a user passing one scheduler
   * to both {@code DbOptions} and {@code RetryingObjectStore} would (see the Seed2 test).
   */
  public record Spec(int id, FaultPlan plan, long seed, DbOptions options, boolean oneScheduler) {
    public Spec {
      requireNonNull(plan, "plan is null");
      requireNonNull(options, "options is null");
    }

    /** Separate engine and network pools. */
    public Spec(int id, FaultPlan plan, long seed, DbOptions options) {
      this(id, plan, seed, options, false);
    }
  }

  /** As the other {@code open}, with a corruption account of its own that nobody reads. */
  public static ChaosProcess open(
      ObjectStore shared,
      String path,
      Spec spec,
      java.util.function.Consumer<CrashPointStore> prepare,
      Map<FaultKind, Long> faultTotals) {
    return open(shared, path, spec, prepare, faultTotals, new CorruptionAudit(shared));
  }

  /**
   * Opens a process on {@code shared}; {@code prepare} may arm a crash point on its boundary first.
   * If the open fails (a crash during recovery, or faults the retries did not absorb) the process
   * is killed, its fault counts are added to {@code faultTotals}, and the failure is thrown. Its
   * damaged reads and its engine's corruption detections go to {@code audit}, from the start of the
   * open on.
   */
  public static ChaosProcess open(
      ObjectStore shared,
      String path,
      Spec spec,
      java.util.function.Consumer<CrashPointStore> prepare,
      Map<FaultKind, Long> faultTotals,
      CorruptionAudit audit) {
    return open(shared, path, spec, prepare, faultTotals, audit, Stalls.none());
  }

  /** As the other {@code open}; the process may stall past GC's minAge as {@code stalls} draws. */
  public static ChaosProcess open(
      ObjectStore shared,
      String path,
      Spec spec,
      java.util.function.Consumer<CrashPointStore> prepare,
      Map<FaultKind, Long> faultTotals,
      CorruptionAudit audit,
      Stalls stalls) {
    CorruptionLedger ledger = audit.process(spec.id());
    CrashPointStore boundary = new CrashPointStore(shared);
    prepare.accept(boundary);
    // The engine's threads and the "network" (latency, retries) are separate pools, as with S3,
    // whose SDK has its own threads: the Flusher blocks engine threads on store futures, so a
    // shared pool deadlocks once both threads wait (see docs/testing.md, known engine findings).
    ScheduledThreadPoolExecutor scheduler = newScheduler("chaos-p" + spec.id() + "-engine");
    ScheduledThreadPoolExecutor network =
        spec.oneScheduler() ? scheduler : newScheduler("chaos-p" + spec.id() + "-net");
    // A request delayed by injected latency must still run after the crash, and fail at the dead
    // boundary: dropping it would leave the future incomplete and an engine thread blocked for
    // good (a real dead process has no threads to leak).
    network.setExecuteExistingDelayedTasksAfterShutdownPolicy(true);
    FaultInjectingObjectStore faults =
        new FaultInjectingObjectStore(boundary, spec.plan(), spec.seed(), network);
    faults.onDamage(ledger::damaged);
    RetryingObjectStore retrying =
        new RetryingObjectStore(
            faults,
            network,
            new SplittableRandom(spec.seed() ^ 0x5DEECE66DL),
            new RetryingObjectStore.Options(8, Duration.ofMillis(1), Duration.ofMillis(20)));
    // The engine's blocking background work (flushes, compaction retries, GC) gets its own pool
    // too, so a crash can stop every thread of the process.
    ScheduledThreadPoolExecutor background = newScheduler("chaos-p" + spec.id() + "-bg");
    // Crash points inside the engine (acknowledgements, compaction, GC, checkpoints) fire through
    // its listener, which kills this boundary; it also hears of every corruption detected.
    CrashHooks hooks = new CrashHooks(boundary, ledger, stalls);
    DbOptions options =
        spec.options().toBuilder()
            .scheduler(scheduler)
            .background(background)
            .listener(hooks)
            // Processes of one JVM: a crashed one is abandoned, and the next takes over.
            .allowInProcessTakeover(true)
            .build();
    boundary.recovering(true);
    try {
      Db db = Db.open(retrying, path, options);
      boundary.recovering(false);
      return new ChaosProcess(
          spec.id(), boundary, faults, scheduler, network, background, hooks, retrying, db);
    } catch (RuntimeException e) {
      boundary.crash();
      stop(background);
      stop(scheduler);
      stop(network);
      addFaults(faultTotals, faults);
      throw e;
    }
  }

  /** Options small enough that a few hundred writes flush many tables. */
  public static DbOptions tinyOptions() {
    return DbOptions.builder()
        .allowInProcessTakeover(true) // simulated processes share this JVM
        .mergeOperator(ChaosMerge.OPERATOR)
        .memtableBytes(4096)
        .maxUnflushedBytes(1 << 20)
        .writeStallTimeout(Duration.ofSeconds(5))
        .blockCacheBytes(64 << 10)
        .tableOptions(SstOptions.defaults().withBlockSize(256))
        // Tiny compaction thresholds and frequent GC, so compactions and deletions run (and are
        // crashed) inside every seed; GC's minAge is by the store's clock, which skew does not
        // move.
        .compaction(
            CompactionOptions.builder()
                .l0Trigger(2)
                .maxL0PerJob(4)
                .l0SlowdownTables(8)
                .l0StopTables(12)
                .baseRunBytes(16 << 10)
                .tierFanout(3)
                .maxRuns(4)
                .targetTableBytes(2048)
                // Above the largest difference of two processes' clock skews (ChaosTime).
                .expiryGrace(ChaosTime.EXPIRY_GRACE)
                .build())
        .gc(
            GcOptions.builder()
                .minAge(Duration.ofSeconds(1))
                .interval(Duration.ofMillis(100))
                .build())
        .walOptions(
            WalWriterOptions.defaults()
                .withFlushInterval(Duration.ofMillis(20))
                .withCloseTimeout(Duration.ofSeconds(5)))
        .build();
  }

  public int id() {
    return id;
  }

  public Db db() {
    return db;
  }

  /** The store the process's {@link Db} uses: retries over faults over its crash boundary. */
  public ObjectStore store() {
    return store;
  }

  /** The listener the process's Db reports to (crash points, corruption detections). */
  public dev.shaledb.DbListener listener() {
    return hooks;
  }

  public CrashPointStore boundary() {
    return boundary;
  }

  /** Compactions this process's compactor published so far. */
  public long compactionsPublished() {
    return hooks.compactionsPublished();
  }

  public FaultInjectingObjectStore faults() {
    return faults;
  }

  /** Whether the process died (a crash point fired or {@link #kill()} ran). */
  public boolean isDead() {
    return boundary.isCrashed();
  }

  /** Crashes the process: see the class comment. Idempotent. */
  public void kill(Map<FaultKind, Long> faultTotals) {
    if (ended) {
      return;
    }
    ended = true;
    boundary.crash();
    boundary.resume();
    // Engine threads blocked on store futures are released by the network failing them fast.
    stop(background);
    stop(scheduler);
    stop(network);
    addFaults(faultTotals, faults);
  }

  /** Shuts the process down cleanly ({@link Db#close()}); a failing close is a crash. */
  public void closeCleanly(Map<FaultKind, Long> faultTotals) {
    if (ended) {
      return;
    }
    try {
      db.close();
    } finally {
      kill(faultTotals);
    }
  }

  /** Same as {@link #kill}, without counting faults: for cleanup on the way out of a failure. */
  @Override
  public void close() {
    kill(new java.util.EnumMap<>(FaultKind.class));
  }

  private static void addFaults(Map<FaultKind, Long> totals, FaultInjectingObjectStore faults) {
    faults.seal().forEach((kind, n) -> totals.merge(kind, n, Long::sum));
  }

  private static ScheduledThreadPoolExecutor newScheduler(String name) {
    java.util.concurrent.ThreadFactory factory = Executors.defaultThreadFactory();
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            2,
            r -> {
              Thread t = factory.newThread(r);
              t.setName(name + "-" + t.getName());
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return executor;
  }

  private static void stop(ScheduledThreadPoolExecutor scheduler) {
    if (scheduler.getExecuteExistingDelayedTasksAfterShutdownPolicy()) {
      scheduler.shutdown();
    } else {
      scheduler.shutdownNow();
    }
    try {
      if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("a crashed process's threads did not stop in 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
