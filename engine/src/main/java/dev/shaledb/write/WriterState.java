package dev.shaledb.write;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writer's progress and fate, shared by the {@link WritePath} (which assigns sequence numbers
 * and makes them visible) and the {@link Flusher} (which makes them durable in tables and may learn
 * of a fence): one small object both read, so neither calls back into the other.
 *
 * <p>Invariants: {@code durableSeq <= visibleSeq} except transiently while a table publish races a
 * failure; both only grow until a failure, which lowers {@code visibleSeq} to {@code durableSeq}
 * once and freezes it there. The failure is recorded under {@link #appendLock()}, the lock a batch
 * holds from getting its sequence numbers until it is visible, so no batch becomes visible after a
 * failure was recorded.
 */
public final class WriterState {
  private final ReentrantLock appendLock = new ReentrantLock();
  private final MemoryBudget budget;
  private final AtomicLong durableSeq;
  private volatile long visibleSeq;
  // The last sequence number given to a write; a failure does not lower it, so it still tells
  // whether writes were accepted that never became durable.
  private volatile long acceptedSeq;
  private volatile RuntimeException failure;

  public WriterState(long recoveredSeq, MemoryBudget budget) {
    this.budget = budget;
    this.visibleSeq = recoveredSeq;
    this.acceptedSeq = recoveredSeq;
    this.durableSeq = new AtomicLong(recoveredSeq);
  }

  /** Held while a batch is appended and made visible; {@link #fail} takes it too. */
  ReentrantLock appendLock() {
    return appendLock;
  }

  /** Makes writes up to {@code seq} visible; the caller holds {@link #appendLock()}. */
  void visibleThrough(long seq) {
    visibleSeq = seq;
    acceptedSeq = seq;
  }

  /**
   * Records a failure that ends this writer (fenced, or the WAL failed), and hides every write that
   * was not acknowledged as durable: whoever wrote it was told it failed, or will be, and a reopen
   * may not have it. Reads then stop at the durable sequence number, so "all or none" holds for
   * this process's own reads too. The first failure is kept; writers blocked on memory are woken
   * with it.
   */
  public void fail(RuntimeException cause) {
    appendLock.lock();
    try {
      if (failure == null) {
        failure = cause;
      }
      visibleSeq = Math.min(visibleSeq, durableSeq.get());
    } finally {
      appendLock.unlock();
    }
    budget.stop(failure);
  }

  /** The failure that ended this writer, or null. */
  public RuntimeException failure() {
    return failure;
  }

  public long visibleSeq() {
    return visibleSeq;
  }

  public long durableSeq() {
    return durableSeq.get();
  }

  /** The last sequence number given to a write, including writes a failure hid since. */
  public long acceptedSeq() {
    return acceptedSeq;
  }

  /** Every write up to {@code seq} is durable (in the WAL or in a table). */
  void durableThrough(long seq) {
    durableSeq.accumulateAndGet(seq, Math::max);
  }
}
