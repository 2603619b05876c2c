package dev.shaledb.chaos;

import dev.shaledb.CompactionOptions;
import dev.shaledb.DbListener;
import dev.shaledb.DbOptions;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStoreMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One seed of the in-process tier: a fresh in-memory store, a {@link FaultPlan} drawn from the seed
 * (every tenth seed the no-fault baseline), and cycles of process lifetimes until the operation
 * budget is spent. A cycle opens a process (with a crash point armed, maybe), runs the {@link
 * Workload}, ends it by the armed crash, a kill at an operation count or a clean close, and then
 * verifies the whole database against the {@link ExpectedState} through a fault-free reopen. Some
 * cycles instead pause a zombie writer while a second one opens, or open two writers at once.
 *
 * <p>The operations, the plan and every crash decision follow from the seed; which request meets
 * which fault and the threads' interleaving do not (see docs/testing.md on determinism).
 */
public final class SeedRun {
  static final String PATH = "db";

  /** The points a crash cycle arms: store request boundaries and engine hooks. */
  private static final CrashPoint[] ARMED_POINTS = {
    CrashPoint.BEFORE_WAL_PUT,
    CrashPoint.AFTER_WAL_PUT,
    CrashPoint.BEFORE_TABLE_PUT,
    CrashPoint.AFTER_TABLE_PUT,
    CrashPoint.BEFORE_MANIFEST_PUT,
    CrashPoint.AFTER_MANIFEST_PUT,
    CrashPoint.BEFORE_DELETE,
    CrashPoint.BEFORE_ACK,
    CrashPoint.AFTER_ACK,
    CrashPoint.DURING_COMPACTION,
    CrashPoint.DURING_GC,
    CrashPoint.DURING_CHECKPOINT
  };

  private final long seed;
  private final int ops;
  final int keys;
  final SplittableRandom random;
  private final FaultPlan plan;
  private final List<String> faultClasses;
  final MeteredObjectStore shared;
  final CorruptionAudit corruption;
  private boolean oneScheduler;

  /** The seed's logical time, which every process's clock reads (with its skew). */
  final ChaosTime time;

  final ExpectedState oracle;

  /** The default time to live of every process of this seed in milliseconds, 0 for none. */
  private final long defaultTtlMillis;

  /** The skew of each process's clock from {@link #time}, by process id. */
  private final Map<Integer, Long> skews = new java.util.concurrent.ConcurrentHashMap<>();

  final Tally tally = new Tally();
  final Stalls stalls;
  private final Map<FaultKind, Long> faults =
      java.util.Collections.synchronizedMap(new EnumMap<>(FaultKind.class));
  private int nextProcess = 1;
  private final WriterRaces races = new WriterRaces(this);
  private final DiskCacheChaos diskCaches; // null: this seed runs without disk caches

  /** The seed's own database, and its clone's part (null: this seed makes no clone). */
  private final CycleTarget source;

  private final CloneChaos clones;

  private final BulkLoadChaos bulkLoads; // null: this seed runs no bulk loads

  /** Whether the process being opened is a bulk loader: read by {@link #spec}. */
  private boolean bulkLifetime;

  /** A run of {@code ops} operations over {@code keys} keys. */
  public SeedRun(long seed, int ops, int keys) {
    this(seed, ops, keys, UnaryOperator.identity());
  }

  /**
   * A run whose storage is {@code storage} applied to a fresh in-memory store: lets a self-test
   * check that the harness notices a store that breaks its promises.
   */
  public SeedRun(long seed, int ops, int keys, UnaryOperator<ObjectStore> storage) {
    ObjectStore raw = storage.apply(new InMemoryObjectStore());
    this.shared = new MeteredObjectStore(raw);
    // Table layouts are read from the raw store: those reads are not the processes' requests.
    this.corruption = new CorruptionAudit(raw);
    this.seed = seed;
    this.ops = ops;
    this.keys = keys;
    this.random = new SplittableRandom(seed);
    this.time = new ChaosTime(seed);
    this.oracle =
        new ExpectedState(time::now, ChaosTime.EXPIRY_GRACE.toMillis() + ChaosTime.MAX_SKEW_MILLIS);
    this.defaultTtlMillis = defaultTtlFor(seed);
    this.plan = planFor(seed);
    this.faultClasses = faultClasses(plan);
    // Stalls are a fault class: the no-fault baseline seeds have none. Their collections run on
    // the raw store, as another process whose requests are not the workload's.
    this.stalls = new Stalls(raw, PATH, seed, tally, !plan.equals(FaultPlan.none()));
    this.diskCaches = DiskCacheChaos.forSeed(seed, tally);
    this.source = new CycleTarget(PATH, oracle, stalls, pendingLate, false, false);
    this.clones = CloneChaos.forSeed(seed, this, raw);
    this.bulkLoads = BulkLoadChaos.forSeed(seed);
  }

  /**
   * The default time to live of the processes of {@code seed}: one seed in eight gives every put
   * and merge without a TTL of its own one of 1 s to 10 min (of logical time), so whole key spaces
   * expire at the clock's jumps. From a generator of its own: no draws of the seed's.
   */
  static long defaultTtlFor(long seed) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x2545_F491_4F6C_DD1DL);
    return r.nextInt(8) == 0 ? r.nextLong(1_000, 600_001) : 0;
  }

  /** The plan of {@code seed}: the baseline every tenth seed, else a random one, latency scaled. */
  public static FaultPlan planFor(long seed) {
    if (Math.floorMod(seed, 10) == 0) {
      return FaultPlan.none();
    }
    FaultPlan p = FaultPlan.random(seed);
    // Real S3 latency would make thousands of seeds take hours; a tenth keeps the reordering.
    return p.withLatency(p.latency().dividedBy(10), p.latencyJitter().dividedBy(10));
  }

  /** The fault classes {@code plan} enables, for the per-class latency rows. */
  public static List<String> faultClasses(FaultPlan plan) {
    List<String> out = new ArrayList<>();
    if (plan.errorRate() > 0) {
      out.add("errors");
    }
    if (plan.putBurstRate() > 0) {
      out.add("put-bursts");
    }
    if (plan.timeoutBeforeApplyRate() > 0 || plan.timeoutAfterApplyRate() > 0) {
      out.add("timeouts");
    }
    if (plan.phantomConflictRate() > 0) {
      out.add("phantom-412");
    }
    if (plan.corruptReadRate() > 0) {
      out.add("corrupt-reads");
    }
    if (plan.latency().toNanos() > 0 || plan.latencyJitter().toNanos() > 0) {
      out.add("latency");
    }
    if (out.isEmpty()) {
      out.add("none");
    }
    return out;
  }

  public FaultPlan plan() {
    return plan;
  }

  /** Makes every process share one pool for engine and network (the Seed2 engine finding). */
  public SeedRun sharingOneScheduler() {
    oneScheduler = true;
    return this;
  }

  /** Runs the seed; the returned tally holds its counters and findings (none if it passed). */
  public Tally run() {
    tally.inc(Stat.SEEDS_RUN);
    int done = 0;
    try {
      while (done < ops && tally.findings().isEmpty()) {
        int budget = Math.min(ops - done, 50 + random.nextInt(400));
        CycleTarget target = clones == null ? source : clones.pick(source);
        if (target != source) {
          tally.inc(Stat.CLONE_CYCLES);
          done += crashCycle(budget, target);
          Verification.check(
              shared,
              target.path(),
              true,
              target.oracle(),
              time,
              tally,
              random,
              keys,
              target.pendingLate());
          continue;
        }
        int kind = random.nextInt(100);
        if (kind < 6) {
          done += races.zombieCycle(budget);
        } else if (kind < 10) {
          done += races.twinCycle(budget);
        } else {
          done += crashCycle(budget, source);
        }
        Verification.check(shared, oracle, time, tally, random, keys, pendingLate);
        if (clones != null && tally.findings().isEmpty()) {
          clones.settle(shared, time, tally, random, keys);
        }
      }
      if (tally.findings().isEmpty()) {
        Verification.finalGc(shared, tally);
        Verification.check(shared, oracle, time, tally, random, keys, pendingLate);
      }
      if (clones != null) {
        clones.finish(source, shared, time, tally, keys);
      }
    } catch (RuntimeException | AssertionError e) {
      tally.finding("harness or engine failure: " + stackHead(e));
    } finally {
      if (clones != null && !tally.findings().isEmpty()) {
        clones.explain(shared, tally);
      }
      if (secondThread != null) {
        secondThread.shutdownNow();
      }
      stalls.close();
      if (clones != null) {
        clones.close();
      }
      if (diskCaches != null) {
        diskCaches.close();
      }
    }
    // Every process is dead by now; only their detections still on the way are waited for.
    corruption.classify(tally);
    tally.faults(faults);
    tally.add(Stat.CLOCK_JUMPS, time.jumps());
    tally.add(Stat.EXPIRED_READS, oracle.expiredReads());
    tally.add(Stat.EXPIRY_AMBIGUOUS, oracle.ambiguousExpiryReads());
    tally.add(Stat.EXPIRED_DROPPABLE, oracle.droppableAtVerify());
    return tally;
  }

  /** Requests that reached the shared store, for the cost rows. */
  public ObjectStoreMetrics requests() {
    return shared.snapshot();
  }

  private int crashCycle(int budget, CycleTarget target) {
    int r = random.nextInt(100);
    CrashPoint point;
    int nth;
    if (r < 60) {
      point = ARMED_POINTS[random.nextInt(ARMED_POINTS.length)];
      nth = 1 + random.nextInt(maxNth(point));
    } else if (r < 68) {
      boolean step = random.nextInt(3) == 0;
      point = step ? CrashPoint.AT_RECOVERY_STEP : CrashPoint.DURING_RECOVERY;
      nth = 1 + random.nextInt(step ? DbListener.RecoveryStep.values().length : 12);
    } else if (r < 91) {
      point = CrashPoint.AT_OP_COUNT;
      nth = 1 + random.nextInt(budget);
    } else {
      point = null;
      nth = 0;
    }
    boolean late = random.nextInt(4) == 0;
    boolean bulk = bulkLoads != null && target == source && bulkLoads.nextLifetime();
    ChaosProcess p;
    bulkLifetime = bulk;
    try {
      p = openWithRetries(point, nth, late, target);
    } finally {
      bulkLifetime = false;
    }
    if (clones != null) {
      clones.ran(p.id(), target);
    }
    Workload w = workload(p, 0, target);
    // Sometimes a second thread writes and reads the same keys concurrently.
    Workload secondWorkload = random.nextInt(10) < 3 ? workload(p, 1, target) : null;
    if (bulk) {
      tally.inc(Stat.BULK_LOAD_PROCESSES);
      w.bulkLoad();
      if (secondWorkload != null) {
        secondWorkload.bulkLoad();
      }
    }
    Future<Integer> second = secondWorkload == null ? null : concurrently(secondWorkload, p);
    int cloneAt = clones == null || target != source ? -1 : clones.cloneAt(budget);
    int done = 0;
    while (done < budget && !p.isDead()) {
      if (point == CrashPoint.AT_OP_COUNT && done == nth) {
        break;
      }
      if (done == cloneAt) {
        clones.create(p, oracle);
      } else if (target.isClone()) {
        clones.duringCloneCycle(tally);
      }
      done++;
      if (diskCaches != null) {
        diskCaches.maybeDamageLive(p.id());
      }
      if (!w.step()) {
        if (!p.isDead()) {
          tally.inc(Stat.RESTARTS_AFTER_WRITE_FAILURE);
        }
        break;
      }
    }
    awaitBackgroundCrash(p, point);
    stopSecond.set(true);
    int secondDone = second == null ? 0 : awaitSecond(second);
    stopSecond.set(false);
    w.finishHeld();
    end(p, point == null && !p.isDead() && w.writeFailure() == null, point, target);
    return Math.max(done + secondDone, 1);
  }

  /**
   * Gives a point armed in background work (GC deletes, a compaction between upload and publish) up
   * to 300 ms, three GC intervals, to fire after the workload's budget ran out: process lifetimes
   * are short, and GC only deletes what is older than its one-second minAge.
   */
  private static void awaitBackgroundCrash(ChaosProcess p, CrashPoint point) {
    boolean background =
        point == CrashPoint.DURING_GC
            || point == CrashPoint.BEFORE_DELETE
            || point == CrashPoint.DURING_COMPACTION;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
    while (background && !p.isDead() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * How far into a lifetime an armed point may fire: WAL puts and acknowledgements happen per
   * write, checkpoints about once per hundred operations, the rest a few times per lifetime.
   */
  private static int maxNth(CrashPoint point) {
    switch (point) {
      case BEFORE_WAL_PUT:
      case AFTER_WAL_PUT:
      case BEFORE_ACK:
      case AFTER_ACK:
        return 40;
      case DURING_CHECKPOINT:
      case DURING_COMPACTION:
      case DURING_GC:
        return 2;
      default:
        return 4;
    }
  }

  private final java.util.concurrent.atomic.AtomicBoolean stopSecond =
      new java.util.concurrent.atomic.AtomicBoolean();
  private ExecutorService secondThread;

  private Future<Integer> concurrently(Workload w, ChaosProcess p) {
    if (secondThread == null) {
      secondThread = Executors.newSingleThreadExecutor();
    }
    return secondThread.submit(
        () -> {
          int n = 0;
          while (!stopSecond.get() && !p.isDead() && n < ops) {
            n++;
            if (!w.step()) {
              break;
            }
          }
          w.finishHeld();
          return n;
        });
  }

  private static int awaitSecond(Future<Integer> f) {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the second workload thread did not stop", e);
    }
  }

  int runOps(Workload w, ChaosProcess p, int n) {
    int done = 0;
    while (done < n && !p.isDead()) {
      done++;
      if (!w.step()) {
        break;
      }
    }
    return done;
  }

  ChaosProcess openWithRetries(CrashPoint point, int nth, boolean late) {
    return openWithRetries(point, nth, late, source);
  }

  private ChaosProcess openWithRetries(
      CrashPoint point, int nth, boolean late, CycleTarget target) {
    for (int attempt = 0; ; attempt++) {
      boolean arm = attempt == 0 && point != null && point != CrashPoint.AT_OP_COUNT;
      ChaosProcess.Spec spec = attempt < 4 ? spec(plan, target) : spec(FaultPlan.none(), target);
      CrashPointStore[] boundary = new CrashPointStore[1];
      try {
        ChaosProcess p =
            ChaosProcess.open(
                shared,
                target.path(),
                spec,
                b -> {
                  boundary[0] = b;
                  if (arm) {
                    b.arm(point, nth);
                  }
                  if (late) {
                    b.keepLatePuts(4);
                  }
                },
                faultsSync(),
                corruption,
                target.stalls());
        tally.inc(Stat.PROCESSES);
        return p;
      } catch (RuntimeException e) {
        tally.inc(Stat.PROCESSES);
        // A crash point that killed Db.open itself (DURING_RECOVERY, AT_RECOVERY_STEP, or a
        // background point reached while opening) is a crash; anything else a failed open.
        CrashPoint fired = boundary[0] == null ? null : boundary[0].fired();
        if (fired != null) {
          tally.crash(fired);
        } else if (attempt >= 4) {
          throw new IllegalStateException("open without faults failed", e);
        } else {
          tally.inc(Stat.OPEN_FAILURES_RETRIED);
        }
      }
    }
  }

  void end(ChaosProcess p, boolean cleanly, CrashPoint planned) {
    end(p, cleanly, planned, source);
  }

  private void end(ChaosProcess p, boolean cleanly, CrashPoint planned, CycleTarget target) {
    long published = p.compactionsPublished();
    tally.add(Stat.COMPACTIONS_PUBLISHED, published);
    if (target.isClone()) {
      // The resumed-compaction rows follow the seed's own database only.
    } else if (compactionCrashed && published > 0) {
      tally.inc(Stat.COMPACTIONS_RESUMED);
      compactionCrashed = false;
    }
    if (!target.isClone() && p.boundary().fired() == CrashPoint.DURING_COMPACTION) {
      tally.inc(Stat.COMPACTIONS_CRASHED);
      compactionCrashed = true;
    }
    dev.shaledb.DbStats stats = diskCaches == null ? null : p.db().stats();
    endProcess(p, cleanly, planned, target);
    if (diskCaches != null) {
      diskCaches.ended(p.id(), stats);
    }
  }

  private void endProcess(ChaosProcess p, boolean cleanly, CrashPoint planned, CycleTarget target) {
    if (cleanly) {
      try {
        p.closeCleanly(faults);
      } catch (RuntimeException e) {
        tally.inc(Stat.RESTARTS_AFTER_WRITE_FAILURE);
      }
    } else {
      CrashPoint fired = p.boundary().fired();
      p.kill(faults);
      if (fired != null) {
        tally.crash(fired);
      } else if (planned == CrashPoint.AT_OP_COUNT) {
        tally.crash(CrashPoint.AT_OP_COUNT);
      }
    }
    target.oracle().crashed(p.id());
    target.pendingLate().add(p.boundary());
  }

  private final List<CrashPointStore> pendingLate = new ArrayList<>();

  /** A DURING_COMPACTION crash waits for a later process to publish a compaction. */
  private boolean compactionCrashed;

  Workload workload(ChaosProcess p) {
    return workload(p, 0, source);
  }

  private Workload workload(ChaosProcess p, int thread, CycleTarget target) {
    return new Workload(
        target.oracle(),
        tally,
        random.split(),
        keys,
        faultClasses,
        p.id(),
        p.id() * 4 + thread,
        p.db(),
        target.stalls(),
        target.stalls().readerStore(shared),
        target.path(),
        new Workload.Timing(time, skews.getOrDefault(p.id(), 0L), defaultTtlMillis));
  }

  ChaosProcess.Spec spec() {
    return spec(plan, source);
  }

  private ChaosProcess.Spec spec(FaultPlan forThis, CycleTarget target) {
    int id = nextProcess++;
    DbOptions options = ChaosProcess.tinyOptions();
    if (target.rewriteBorrowed()) {
      options =
          options.toBuilder()
              .compaction(options.compaction().toBuilder().rewriteBorrowedTables(true).build())
              .build();
    }
    long skewMillis = 0;
    if (random.nextBoolean()) {
      // Clock skew between processes: times to live count by it (expiryGrace is above twice the
      // largest skew), and table ids come from it.
      skewMillis = random.nextLong(-ChaosTime.MAX_SKEW_MILLIS, ChaosTime.MAX_SKEW_MILLIS + 1);
      tally.inc(Stat.SKEWED_CLOCKS);
    }
    skews.put(id, skewMillis);
    DbOptions.Builder b = options.toBuilder().clock(time.clock(skewMillis));
    if (defaultTtlMillis > 0) {
      b.defaultTtl(Duration.ofMillis(defaultTtlMillis));
      tally.inc(Stat.DEFAULT_TTL_PROCESSES);
    }
    // Half the processes warm the block cache as they write (off by default since issue 21), so
    // warmed blocks of condemned, retried and replaced tables stay checked. A generator of its
    // own: the seed's other draws are unchanged.
    SplittableRandom own = new SplittableRandom(seed * 1_000_003L + id);
    // clock(null): the Db gives its compaction its own (skewed) clock.
    CompactionOptions.Builder compaction = options.compaction().toBuilder().clock(null);
    boolean warm = own.nextBoolean();
    if (warm) {
      b.warmBlockCacheOnFlush(true);
      compaction.warmBlockCache(true);
      tally.inc(Stat.WARMING_PROCESSES);
    }
    // Half the processes leave little room for runs (issue 21): every new run beyond two is
    // compaction debt, so writers are paced by it and a run job more merges while a tier of 2 to
    // 4 runs waits to fill.
    boolean debt = own.nextBoolean();
    if (debt) {
      compaction.maxRuns(2).tierMergeWidth(2 + own.nextInt(3));
      tally.inc(Stat.RUN_DEBT_PROCESSES);
    }
    if (warm || debt) {
      b.compaction(compaction.build());
    }
    options = b.build();
    if (bulkLifetime) {
      options = BulkLoadChaos.options(options);
    }
    if (diskCaches != null) {
      options = diskCaches.options(options, id);
    }
    return new ChaosProcess.Spec(id, forThis, seed * 1_000_003L + id, options, oneScheduler);
  }

  Map<FaultKind, Long> faultsSync() {
    return faults;
  }

  static String stackHead(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e));
    StackTraceElement[] st = e.getStackTrace();
    for (int i = 0; i < Math.min(6, st.length); i++) {
      sb.append("\n    at ").append(st[i]);
    }
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      sb.append("\n  caused by ").append(c);
    }
    return sb.toString();
  }
}
