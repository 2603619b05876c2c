package dev.shaledb.write;

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
 * Bounds the bytes held by memtables. Below half the limit writes pass; from half on each write is
 * delayed by up to a millisecond, growing with the fill, so writers slow down smoothly while
 * flushes catch up; at the limit writes wait for a flush and fail with {@link WriteStallException}
 * after the stall timeout, before the process runs out of memory.
 *
 * <p>A growing L0 slows writes the same way: from {@code l0Slowdown} tables on, by up to a
 * millisecond as L0 nears {@code l0Stop}, where flushes wait for compaction and the memory limit
 * takes over. So a compaction backlog shows as gradually slower writes, not a sudden stop.
 */
public final class MemoryBudget {
  private static final long MAX_SLOWDOWN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final long limit;
  private final long softLimit;
  private final long timeoutNanos;
  private final LongSupplier used;
  private final IntSupplier l0Tables;
  private final int l0Slowdown;
  private final int l0Stop;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition freed = lock.newCondition();
  private final LongAdder stallNanos = new LongAdder();
  private volatile RuntimeException stopped;

  public MemoryBudget(
      long limit,
      Duration timeout,
      LongSupplier used,
      IntSupplier l0Tables,
      int l0Slowdown,
      int l0Stop) {
    this.limit = limit;
    this.softLimit = limit / 2;
    this.timeoutNanos = timeout.toNanos();
    this.used = used;
    this.l0Tables = l0Tables;
    this.l0Slowdown = l0Slowdown;
    this.l0Stop = l0Stop;
  }

  /** Waits until a write may proceed; throws if the budget stays exhausted past the timeout. */
  void admit() {
    long inUse = used.getAsLong();
    int l0 = l0Tables.getAsInt();
    if (inUse < softLimit && l0 < l0Slowdown) {
      return;
    }
    long start = System.nanoTime();
    try {
      if (inUse < limit) {
        long delay = 0;
        if (inUse >= softLimit) {
          delay = MAX_SLOWDOWN_NANOS * (inUse - softLimit) / (limit - softLimit);
        }
        if (l0 >= l0Slowdown) {
          long over = Math.min(l0, l0Stop) - l0Slowdown + 1;
          delay = Math.max(delay, MAX_SLOWDOWN_NANOS * over / (l0Stop - l0Slowdown + 1));
        }
        TimeUnit.NANOSECONDS.sleep(Math.max(delay, 1_000));
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

  /** Called after a flush released memory. */
  void released() {
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
