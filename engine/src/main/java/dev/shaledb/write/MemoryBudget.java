package dev.shaledb.write;

import dev.shaledb.CompactionOptions;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.WriteStallException;
import dev.shaledb.support.Errors;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Bounds the bytes held by memtables and slows writers smoothly before the bound. Below half the
 * limit, below {@code l0SlowdownTables} L0 tables and at most {@code maxRuns} sorted runs writes
 * pass untouched. Beyond any of them, writers are paced ({@link WritePacer}) to the rate flushes
 * last drained memory at, scaled down linearly as memory nears its limit, L0 nears {@code
 * l0StopTables} (where flushes wait for compaction) or the runs near twice {@code maxRuns}: a
 * compaction or upload backlog shows as gradually slower writes, not a sudden stop, and the
 * compaction debt a read pays for (the runs it merges) stays bounded however fast writers come. At
 * the memory limit writes wait for a flush and fail with {@link WriteStallException} after the
 * stall timeout, before the process runs out of memory; runs alone never stop writes (at full run
 * pressure the pacer's floor rate still passes). The time writers spend here is {@link
 * #stallNanos()}.
 */
public final class MemoryBudget {
  /** Waits shorter than this are carried in the pacer's schedule rather than slept. */
  private static final long MIN_SLEEP_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  private final long limit;
  private final long softLimit;
  private final long timeoutNanos;
  private final LongSupplier used;
  private final IntSupplier l0Tables;
  private final IntSupplier sortedRuns;
  private final int l0Slowdown;
  private final int l0Stop;
  private final int maxRuns;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition freed = lock.newCondition();
  private final LongAdder stallNanos = new LongAdder();
  private final WritePacer pacer = new WritePacer();
  private volatile RuntimeException stopped;

  /**
   * @param used bytes the memtables hold now
   * @param l0Tables L0 tables in the latest manifest
   * @param sortedRuns sorted runs in the latest manifest
   * @param compaction where L0 and runs start slowing writers ({@code l0SlowdownTables}, {@code
   *     maxRuns}) and where they reach full pressure ({@code l0StopTables}, twice {@code maxRuns})
   */
  public MemoryBudget(
      long limit,
      Duration timeout,
      LongSupplier used,
      IntSupplier l0Tables,
      IntSupplier sortedRuns,
      CompactionOptions compaction) {
    this.limit = limit;
    this.softLimit = limit / 2;
    this.timeoutNanos = timeout.toNanos();
    this.used = used;
    this.l0Tables = l0Tables;
    this.sortedRuns = sortedRuns;
    this.l0Slowdown = compaction.l0SlowdownTables();
    this.l0Stop = compaction.l0StopTables();
    this.maxRuns = compaction.maxRuns();
  }

  /**
   * Waits until a write of {@code bytes} may proceed; throws if the budget stays exhausted past the
   * timeout.
   */
  void admit(long bytes) {
    long inUse = used.getAsLong();
    int l0 = l0Tables.getAsInt();
    int runs = sortedRuns.getAsInt();
    if (inUse < softLimit && l0 < l0Slowdown && runs <= maxRuns) {
      return;
    }
    long start = System.nanoTime();
    try {
      if (inUse < limit) {
        long wait = pacer.reserve(bytes, pressure(inUse, l0, runs), start);
        if (wait >= MIN_SLEEP_NANOS) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        return;
      }
      awaitRoom(start);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WriteStallException("interrupted while waiting for memtable space");
    } finally {
      stallNanos.add(System.nanoTime() - start);
    }
  }

  /**
   * How far memory, L0 or the sorted runs is from its slowdown point (0) to its full pressure (1),
   * whichever is furthest.
   */
  double pressure(long inUse, int l0, int runs) {
    double memory = (double) (inUse - softLimit) / (limit - softLimit);
    double tables = (double) (Math.min(l0, l0Stop) - l0Slowdown + 1) / (l0Stop - l0Slowdown + 1);
    double debt = (double) (Math.min(runs, 2 * maxRuns) - maxRuns) / maxRuns;
    return Math.max(0, Math.max(memory, Math.max(tables, debt)));
  }

  /**
   * Wakes every writer waiting for room and makes it, and every later waiter, fail with {@code why}
   * (the database was closed or fenced): waiting for a flush that will never come would only end in
   * a misleading {@link WriteStallException}.
   */
  void stop(RuntimeException why) {
    lock.lock();
    try {
      if (stopped == null) {
        stopped = why;
      }
      freed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Called after a flush released {@code bytes} of memtables, having taken {@code nanos}. */
  void released(long bytes, long nanos) {
    pacer.drained(bytes, nanos);
    lock.lock();
    try {
      freed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public long stallNanos() {
    return stallNanos.sum();
  }

  private void awaitRoom(long start) throws InterruptedException {
    lock.lock();
    try {
      while (used.getAsLong() >= limit) {
        RuntimeException why = stopped;
        if (why != null) {
          throw why instanceof DbClosedException
              ? new DbClosedException("database")
              : Errors.rethrowable(why);
        }
        long left = timeoutNanos - (System.nanoTime() - start);
        if (left <= 0) {
          throw new WriteStallException(
              "memtables hold "
                  + used.getAsLong()
                  + " bytes, at the limit of "
                  + limit
                  + ", and flushes did not free space within "
                  + Duration.ofNanos(timeoutNanos));
        }
        freed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }
}
