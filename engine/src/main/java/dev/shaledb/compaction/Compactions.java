package dev.shaledb.compaction;

import dev.shaledb.CompactionOptions;
import dev.shaledb.DbListener;
import dev.shaledb.error.FencedException;
import dev.shaledb.manifest.CondemnedTablesException;
import dev.shaledb.manifest.FenceableManifest;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.support.BackgroundHealth;
import dev.shaledb.support.Threads;
import dev.shaledb.table.TableIds;
import dev.shaledb.table.TableStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compaction service of one compactor epoch: told about each new manifest version, it plans
 * jobs ({@link CompactionPolicy}), runs them on its own bounded pools ({@link CompactionRunner}),
 * and publishes each result with a conditional manifest update under the compactor epoch. One L0
 * job and up to {@code maxConcurrentJobs} run jobs run at once, on disjoint inputs, each with its
 * own threads, and one run job more while the runs exceed {@code maxRuns}: a merge of a few small
 * new runs then does not wait behind a long merge of old big ones, which would leave runs (and
 * writers paced by them, {@link dev.shaledb.write.MemoryBudget}) piling up meanwhile. The L0 job
 * never waits for a run job: it merges into the newest run only if no job holds that run (else it
 * writes a new one, {@link CompactionPolicy}), and opening a table holds no lock across its GET
 * ({@link TableStore#openAll}), so flushes keep being compacted while a long run merge goes on
 * (CompactionLanesTest). A failed job is retried after a pause from a fresh plan; its uploaded
 * outputs stay unreferenced for GC. Fencing stops the service for good. The {@link DbListener}
 * hears of each job between its uploads and its publication (where it may fail the job) and after
 * publication.
 */
public final class Compactions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Compactions.class);
  private static final long RETRY_DELAY_MILLIS = 1000;

  private final FenceableManifest manifest;
  private final CompactionPolicy policy;
  private final CompactionRunner runner;
  private final CompactionOptions options;
  private final LongSupplier retainSeq;
  private final Consumer<Manifest> published;
  private final ScheduledExecutorService scheduler;
  private final TableIds ids;
  private final DbListener listener;
  private final BackgroundHealth health;
  private final ThreadPoolExecutor jobs;
  private final ThreadPoolExecutor parts;
  private final Set<String> busy = new HashSet<>();
  private Manifest latest;
  private boolean l0Running;
  private int runJobs;
  private boolean retryScheduled;
  private volatile boolean closed;
  private volatile FencedException fenced;
  public final LongAdder completed = new LongAdder();
  final LongAdder failed = new LongAdder();

  /** Jobs whose outputs garbage collection condemned before they were published. */
  public final LongAdder condemned = new LongAdder();

  public final LongAdder bytesRead = new LongAdder();
  public final LongAdder bytesWritten = new LongAdder();
  final LongAdder entriesDropped = new LongAdder();

  /**
   * @param retainSeq the oldest sequence number a reader may still read at (versions newer than it
   *     are all kept)
   * @param published told about every version this service publishes
   */
  public Compactions(
      FenceableManifest manifest,
      TableStore tables,
      TableIds ids,
      SstOptions tableOptions,
      CompactionOptions options,
      Clock clock,
      LongSupplier retainSeq,
      Consumer<Manifest> published,
      ScheduledExecutorService scheduler,
      DbListener listener,
      BackgroundHealth health) {
    this.manifest = manifest;
    this.options = options;
    this.policy = new CompactionPolicy(options);
    this.retainSeq = retainSeq;
    this.published = published;
    this.scheduler = scheduler;
    this.ids = ids;
    this.listener = listener;
    this.health = health;
    int jobThreads = maxRunJobs(options, Integer.MAX_VALUE) + 1;
    this.jobs = pool("compaction", jobThreads);
    this.parts = pool("compaction-part", jobThreads * options.subcompactions());
    this.runner =
        new CompactionRunner(tables, ids, tableOptions, options, clock, parts, () -> closed);
    this.latest = manifest.latest();
  }

  /** Plans with the latest version seen. */
  public synchronized void wake() {
    plan();
  }

  /** Plans with {@code m} if it is newer than what this service has seen. */
  public synchronized void offer(Manifest m) {
    if (m.id() > latest.id()) {
      latest = m;
    }
    ids.observeFloor(latest.state().condemnedThrough());
    plan();
  }

  public boolean isFenced() {
    return fenced != null;
  }

  /**
   * Reads the latest manifest as this compactor, so an idle compactor learns that another one
   * fenced it (it otherwise learns only when it next publishes). One manifest probe.
   */
  public void checkFenced() {
    if (fenced != null || closed) {
      return;
    }
    try {
      offer(manifest.refresh());
    } catch (FencedException e) {
      fenced = e;
      LOG.info("compactor fenced; compaction stops: {}", e.getMessage());
    }
  }

  synchronized int running() {
    return (l0Running ? 1 : 0) + runJobs;
  }

  /** Waits until no job runs and none would start; false on timeout. For tests and tools. */
  public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!closed && fenced == null && (running() > 0 || retryScheduled)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  private void plan() {
    if (closed || fenced != null) {
      return;
    }
    if (!l0Running) {
      CompactionJob job = policy.planL0(latest.state(), busy);
      if (job != null) {
        l0Running = true;
        start(job);
      }
    }
    while (runJobs < maxRunJobs(options, latest.state().sortedRuns().size())) {
      CompactionJob job = policy.planRuns(latest.state(), busy);
      if (job == null) {
        break;
      }
      runJobs++;
      start(job);
    }
  }

  /** Run jobs allowed at once with {@code runs} sorted runs: one more while they exceed maxRuns. */
  static int maxRunJobs(CompactionOptions options, int runs) {
    return options.maxConcurrentJobs() + (runs > options.maxRuns() ? 1 : 0);
  }

  private void start(CompactionJob job) {
    busy.addAll(job.tableIds());
    jobs.execute(() -> execute(job));
  }

  private void execute(CompactionJob job) {
    Manifest result = null;
    try {
      CompactionRunner.Output out = runner.run(job, retainSeq.getAsLong());
      if (closed) {
        return;
      }
      // No deadline: however long the job took, garbage collection cannot delete an output and
      // then see it published. It condemns unreferenced tables through the manifest first, and a
      // publish listing a condemned output is refused (CondemnedTablesException, below).
      listener.onCompactionOutputsUploaded(
          job.tableIds().stream().sorted().toList(), outputIds(out));
      // The plan may come from a version (a writer's flush) newer than this compactor's cached
      // one; the change must see at least that version, so read the latest first.
      manifest.refresh();
      result = manifest.update(s -> job.apply(s, out.run()));
      completed.increment();
      bytesRead.add(out.bytesRead());
      bytesWritten.add(out.bytesWritten());
      entriesDropped.add(out.entriesDropped());
      published.accept(result);
      publishedTo(result);
    } catch (FencedException e) {
      fenced = e;
      LOG.info("compactor fenced; compaction stops: {}", e.getMessage());
    } catch (CondemnedTablesException e) {
      // The job stalled past GC's minAge and its outputs may be gone: redo it from a fresh plan,
      // with ids above the floor.
      ids.observeFloor(e.floor());
      condemned.increment();
      LOG.info(
          "compaction outputs {} condemned by garbage collection; redoing the job", e.tableIds());
    } catch (CancellationException e) {
      // closing
    } catch (RuntimeException e) {
      failed.increment();
      if (!closed) {
        health.failed(
            DbListener.BackgroundTask.COMPACTION,
            LOG,
            "compaction failed; retrying in " + RETRY_DELAY_MILLIS + " ms",
            e);
      }
    } finally {
      finished(job, result);
    }
  }

  private static List<String> outputIds(CompactionRunner.Output out) {
    List<String> ids = new ArrayList<>();
    if (out.run() != null) {
      for (TableInfo t : out.run().tables()) {
        ids.add(t.id());
      }
    }
    return List.copyOf(ids);
  }

  /** Tells the listener; the job is published already, so what it throws is only logged. */
  private void publishedTo(Manifest result) {
    try {
      listener.onCompactionPublished(result.id());
    } catch (RuntimeException e) {
      LOG.debug("DbListener.onCompactionPublished threw; the job stays published", e);
    }
  }

  private synchronized void finished(CompactionJob job, Manifest result) {
    busy.removeAll(job.tableIds());
    if (job.isL0()) {
      l0Running = false;
    } else {
      runJobs--;
    }
    if (result != null) {
      offer(result);
    } else if (!closed && fenced == null && !retryScheduled) {
      retryScheduled = true;
      retryLater();
    }
    notifyAll();
  }

  private void retry() {
    Manifest m = null;
    try {
      m = manifest.refresh();
    } catch (FencedException e) {
      fenced = e;
    } catch (RuntimeException e) {
      health.failed(
          DbListener.BackgroundTask.COMPACTION,
          LOG,
          "manifest refresh failed; compaction retries later",
          e);
      retryLater();
      return;
    }
    synchronized (this) {
      retryScheduled = false;
      if (m != null) {
        offer(m);
      }
      notifyAll();
    }
  }

  private void retryLater() {
    try {
      scheduler.schedule(this::retry, RETRY_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // The owner is shutting down.
    }
  }

  /** Stops planning, abandons running jobs (their outputs stay unreferenced) and waits for them. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      notifyAll();
    }
    jobs.shutdown();
    parts.shutdown();
    try {
      jobs.awaitTermination(30, TimeUnit.SECONDS);
      parts.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadPoolExecutor pool(String name, int threads) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            5,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64),
            Threads.daemon(name));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
