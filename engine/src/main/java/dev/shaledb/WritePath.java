package dev.shaledb;

import dev.shaledb.engine.Memtable;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.DbException;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.wal.WalBatch;
import dev.shaledb.wal.WalEntry;
import dev.shaledb.wal.WalWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orders writes: under one lock a batch gets its sequence numbers (one per operation, consecutive),
 * is appended to the WAL and inserted into the active memtable, and only then becomes visible, so
 * WAL order, sequence order and visibility agree and no reader sees half a batch. Waiting for
 * durability happens outside the lock, so concurrent durable writers share WAL uploads. The {@link
 * DbListener} hears of each acknowledgement just before and just after it.
 */
final class WritePath {
  private static final Logger LOG = LoggerFactory.getLogger(WritePath.class);

  private final WalWriter wal;
  private final ViewRef view;
  private final MemoryBudget budget;
  private final Counters counters;
  private final long memtableBytes;
  private final Runnable onFreeze;
  private final DbListener listener;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicLong durableSeq;
  private long lastSeq;
  private volatile long visibleSeq;
  private volatile RuntimeException failure;
  private volatile boolean closed;

  WritePath(
      WalWriter wal,
      ViewRef view,
      MemoryBudget budget,
      Counters counters,
      long memtableBytes,
      long lastSeq,
      Runnable onFreeze,
      DbListener listener) {
    this.wal = wal;
    this.view = view;
    this.budget = budget;
    this.counters = counters;
    this.memtableBytes = memtableBytes;
    this.lastSeq = lastSeq;
    this.visibleSeq = lastSeq;
    this.durableSeq = new AtomicLong(lastSeq);
    this.onFreeze = onFreeze;
    this.listener = listener;
  }

  void write(WriteBatch batch, WriteOptions options) {
    checkUsable();
    if (batch.isEmpty()) {
      return;
    }
    budget.admit();
    long start = System.nanoTime();
    long[] seq = new long[1];
    boolean durable = options.awaitDurable();
    CompletableFuture<Long> appended = append(batch.entries(), durable, seq);
    countWrite(batch);
    if (durable) {
      try {
        Futures.join(appended);
      } catch (DbException e) {
        fail(e);
        throw e;
      }
      // Dependent callbacks of a future run in no promised order, so do not rely on the one
      // registered in append() having run yet.
      durableThrough(seq[0]);
      counters.durableAcks.record(System.nanoTime() - start);
    }
    listener.beforeAcknowledge(seq[0], durable);
    acknowledged(seq[0], durable);
  }

  /**
   * Applies {@code batch} now and returns a future completing when it is durable, so one caller can
   * keep many durable writes in flight and they share WAL uploads.
   */
  CompletableFuture<Void> writeAsync(WriteBatch batch) {
    checkUsable();
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    budget.admit();
    long start = System.nanoTime();
    long[] seq = new long[1];
    CompletableFuture<Long> appended = append(batch.entries(), true, seq);
    countWrite(batch);
    CompletableFuture<Void> acked =
        appended.thenApply(
            id -> {
              durableThrough(seq[0]);
              counters.durableAcks.record(System.nanoTime() - start);
              listener.beforeAcknowledge(seq[0], true);
              return null;
            });
    if (listener != DbListener.NONE) {
      // Only with a listener: a dependent stage per write is not free.
      acked.thenRun(() -> acknowledged(seq[0], true));
    }
    return acked;
  }

  /** Tells the listener; the write is acknowledged already, so what it throws is only logged. */
  private void acknowledged(long lastSeq, boolean durable) {
    try {
      listener.afterAcknowledge(lastSeq, durable);
    } catch (RuntimeException e) {
      LOG.debug("DbListener.afterAcknowledge threw; the write stays acknowledged", e);
    }
  }

  /** Makes every accepted write durable. */
  void flush() {
    checkUsable();
    long target = visibleSeq;
    try {
      Futures.join(wal.flush());
      durableThrough(target);
    } catch (DbException e) {
      fail(e);
      throw e;
    }
  }

  /** Freezes the active memtable if it holds anything, e.g. before close. */
  void freezeNow() {
    lock.lock();
    try {
      if (!view.get().active().isEmpty()) {
        freeze();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Refuses every later write. */
  void close() {
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
    budget.stop(new DbClosedException("database"));
  }

  /**
   * Records a failure that ends this writer (fenced, or the WAL failed), and hides every write that
   * was not acknowledged as durable: whoever wrote it was told it failed, or will be, and a reopen
   * may not have it. Reads then stop at the durable sequence number, so "all or none" holds for
   * this process's own reads too. (Under the lock, so no append raises the visible sequence number
   * after it.)
   */
  void fail(RuntimeException cause) {
    lock.lock();
    try {
      if (failure == null) {
        failure = cause;
      }
      visibleSeq = Math.min(visibleSeq, durableSeq.get());
    } finally {
      lock.unlock();
    }
    budget.stop(failure);
  }

  RuntimeException failure() {
    return failure;
  }

  long visibleSeq() {
    return visibleSeq;
  }

  long durableSeq() {
    return durableSeq.get();
  }

  /** Every write up to {@code seq} is durable some other way (it is in a table). */
  void durableThrough(long seq) {
    durableSeq.accumulateAndGet(seq, Math::max);
  }

  /** Appends under the lock; {@code lastSeqOut[0]} receives the batch's last sequence number. */
  private CompletableFuture<Long> append(
      List<WalEntry> entries, boolean durable, long[] lastSeqOut) {
    lock.lock();
    try {
      checkUsable();
      long first = lastSeq + 1;
      WalBatch walBatch = new WalBatch(first, entries);
      CompletableFuture<Long> appended = wal.append(walBatch, durable);
      Memtable memtable = view.get().active();
      for (int i = 0; i < entries.size(); i++) {
        WalEntry e = entries.get(i);
        boolean put = e.kind() == WalEntry.Kind.PUT;
        memtable.add(e.key(), first + i, put ? EntryKind.PUT : EntryKind.DELETE, e.value());
      }
      lastSeq = walBatch.lastSeq();
      visibleSeq = lastSeq;
      long last = lastSeq;
      lastSeqOut[0] = last;
      appended.whenComplete(
          (id, error) -> {
            if (error == null) {
              durableSeq.accumulateAndGet(last, Math::max);
            } else {
              fail(Futures.unwrap(error));
            }
          });
      if (memtable.approximateBytes() >= memtableBytes) {
        freeze();
      }
      return appended;
    } finally {
      lock.unlock();
    }
  }

  private void freeze() {
    long anchor = wal.durableWalId();
    long last = lastSeq;
    view.update(v -> v.freeze(new Memtable(memtableBytes), last, anchor));
    onFreeze.run();
  }

  private void countWrite(WriteBatch batch) {
    counters.batches.increment();
    counters.bytesWritten.add(batch.approximateBytes());
    for (WalEntry e : batch.entries()) {
      (e.kind() == WalEntry.Kind.PUT ? counters.puts : counters.deletes).increment();
    }
  }

  private void checkUsable() {
    if (closed) {
      throw new DbClosedException("database");
    }
    RuntimeException f = failure;
    if (f != null) {
      throw Errors.rethrowable(f);
    }
  }
}
