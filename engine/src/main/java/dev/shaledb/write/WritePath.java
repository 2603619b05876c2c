package dev.shaledb.write;

import dev.shaledb.DbListener;
import dev.shaledb.WriteOptions;
import dev.shaledb.error.BulkLoadModeException;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.DbException;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.support.Counters;
import dev.shaledb.support.Errors;
import dev.shaledb.txn.ConflictIndex;
import dev.shaledb.view.Memtable;
import dev.shaledb.view.ViewRef;
import dev.shaledb.wal.WalBatch;
import dev.shaledb.wal.WalEntry;
import dev.shaledb.wal.WalWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orders writes: under one lock a batch gets its sequence numbers (one per operation, consecutive),
 * is appended to the WAL and inserted into the active memtable, and only then becomes visible, so
 * WAL order, sequence order and visibility agree and no reader sees half a batch. Waiting for
 * durability happens outside the lock, so concurrent durable writers share WAL uploads. The {@link
 * DbListener} hears of each acknowledgement just before and just after it.
 *
 * <p>Transactions are checked here too: a transaction registers with the {@link ConflictIndex} and
 * takes its snapshot under the lock; while any is open, every write records its keys under the
 * lock; a commit's check runs under the lock just before its batch gets sequence numbers, so no
 * write can slip between the check and the commit (docs/transactions.md).
 *
 * <p>In bulk-load mode nothing is appended to the WAL: a batch goes to the memtable only and
 * becomes durable when the flush of its memtable is published, which raises the durable sequence
 * number. A write that asks to be acknowledged as durable is refused before anything happens, since
 * only a flush it would have to wait for could make it so (docs/engine.md, "Bulk-load mode"). The
 * anchor a frozen memtable carries stays the WAL writer's fence, which is a valid replay anchor
 * once the memtables are in tables (docs/protocol.md §5).
 */
public final class WritePath {
  private static final Logger LOG = LoggerFactory.getLogger(WritePath.class);

  private final WalWriter wal;
  private final ViewRef view;
  private final MemoryBudget budget;
  private final Counters counters;
  private final long memtableBytes;
  private final Runnable onFreeze;
  private final DbListener listener;
  private final WriterState state;
  private final ReentrantLock lock;
  // Stamps the default TTL on puts and merges without one (Expiry.stamp).
  private final UnaryOperator<List<WalEntry>> stamp;
  private final ConflictIndex conflicts;
  private final boolean bulkLoad;
  private long lastSeq;
  private volatile boolean closed;

  public WritePath(
      WalWriter wal,
      ViewRef view,
      WriterState state,
      MemoryBudget budget,
      Counters counters,
      long memtableBytes,
      long lastSeq,
      Runnable onFreeze,
      DbListener listener,
      long conflictHistoryBytes,
      UnaryOperator<List<WalEntry>> stamp,
      boolean bulkLoad) {
    this.wal = wal;
    this.view = view;
    this.budget = budget;
    this.counters = counters;
    this.memtableBytes = memtableBytes;
    this.state = state;
    this.lock = state.appendLock();
    this.lastSeq = lastSeq;
    this.onFreeze = onFreeze;
    this.listener = listener;
    this.conflicts = new ConflictIndex(conflictHistoryBytes);
    this.stamp = stamp;
    this.bulkLoad = bulkLoad;
  }

  /**
   * Opens a transaction: under the lock, {@code snapshotAt} takes its snapshot at the last applied
   * write and the conflict index starts recording every later write.
   */
  public <S> S openTransaction(LongFunction<S> snapshotAt) {
    lock.lock();
    try {
      checkUsable();
      S snapshot = snapshotAt.apply(lastSeq);
      conflicts.open(lastSeq);
      return snapshot;
    } finally {
      lock.unlock();
    }
  }

  /** Ends the transaction opened at {@code snapshotSeq}. */
  public void closeTransaction(long snapshotSeq) {
    lock.lock();
    try {
      conflicts.close(snapshotSeq);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes {@code batch} as {@link #write} does if {@code check} accepts the conflict index, run
   * under the lock just before the batch gets its sequence numbers; what {@code check} throws
   * propagates and nothing is written.
   */
  public void write(List<WalEntry> batch, long bytes, WriteOptions options) {
    write(batch, bytes, options, null);
  }

  /**
   * Writes {@code batch} as {@link #write(List, long, WriteOptions)} does if {@code check} (null:
   * none) accepts the conflict index, run under the lock just before the batch gets its sequence
   * numbers; what {@code check} throws propagates and nothing is written. Returns the batch's last
   * sequence number (0 for an empty batch).
   */
  public long write(
      List<WalEntry> batch, long bytes, WriteOptions options, Consumer<ConflictIndex> check) {
    checkUsable();
    if (bulkLoad && options.awaitDurable()) {
      throw refused(
          "a durable write (WriteOptions.durable(), the default of put, delete, merge, write,"
              + " putIfAbsent and Transaction.commit())");
    }
    if (batch.isEmpty()) {
      return 0;
    }
    batch = stamp.apply(batch);
    budget.admit(bytes);
    long start = System.nanoTime();
    long[] seq = new long[1];
    boolean durable = options.awaitDurable();
    CompletableFuture<Long> appended = append(batch, durable, seq, check);
    countWrite(batch, bytes);
    if (durable) {
      try {
        Futures.join(appended);
      } catch (DbException e) {
        state.fail(e);
        throw e;
      }
      // Dependent callbacks of a future run in no promised order, so do not rely on the one
      // registered in append() having run yet.
      state.durableThrough(seq[0]);
      counters.durableAcks.record(System.nanoTime() - start);
    }
    listener.beforeAcknowledge(seq[0], durable);
    acknowledged(seq[0], durable);
    return seq[0];
  }

  /**
   * Applies {@code batch} now and returns a future completing when it is durable, so one caller can
   * keep many durable writes in flight and they share WAL uploads.
   */
  public CompletableFuture<Void> writeAsync(List<WalEntry> batch, long bytes) {
    return writeAsync(batch, bytes, null, new long[1]);
  }

  /**
   * As {@link #writeAsync(List, long)}, if {@code check} (null: none) accepts the conflict index as
   * {@link #write(List, long, WriteOptions, Consumer)} says; {@code lastSeqOut[0]} receives the
   * batch's last sequence number.
   */
  public CompletableFuture<Void> writeAsync(
      List<WalEntry> batch, long bytes, Consumer<ConflictIndex> check, long[] lastSeqOut) {
    checkUsable();
    if (bulkLoad) {
      throw refused(
          "Db.writeAsync and Transaction.commitAsync (their futures complete when the write is"
              + " durable)");
    }
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    batch = stamp.apply(batch);
    budget.admit(bytes);
    long start = System.nanoTime();
    long[] seq = lastSeqOut;
    CompletableFuture<Long> appended = append(batch, true, seq, check);
    countWrite(batch, bytes);
    CompletableFuture<Void> acked =
        appended.handle(
            (id, error) -> {
              if (error != null) {
                // Before the caller can see its write fail: a later read through a snapshot that
                // saw the write must throw, not show it (the callback registered in append() may
                // run after this one; dependents run in no promised order).
                RuntimeException failure = Futures.unwrap(error);
                state.fail(failure);
                throw failure;
              }
              state.durableThrough(seq[0]);
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

  /**
   * Makes every accepted write durable; not in bulk-load mode, where only a flush of memtables can.
   */
  public void flush() {
    if (bulkLoad) {
      throw new IllegalStateException(
          "in bulk-load mode only flushing the memtables makes writes durable");
    }
    checkUsable();
    long target = state.visibleSeq();
    try {
      Futures.join(wal.flush());
      state.durableThrough(target);
    } catch (DbException e) {
      state.fail(e);
      throw e;
    }
  }

  /** Freezes the active memtable if it holds anything, e.g. before close. */
  public void freezeNow() {
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
  public void close() {
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
    budget.stop(new DbClosedException("database"));
  }

  /**
   * Appends under the lock; {@code lastSeqOut[0]} receives the batch's last sequence number.
   * Returns the WAL's future, or null in bulk-load mode, where nothing goes to the WAL.
   */
  private CompletableFuture<Long> append(
      List<WalEntry> entries, boolean durable, long[] lastSeqOut, Consumer<ConflictIndex> check) {
    lock.lock();
    try {
      checkUsable();
      if (check != null) {
        check.accept(conflicts);
      }
      long first = lastSeq + 1;
      WalBatch walBatch = new WalBatch(first, entries);
      // Bulk-load mode: no WAL; the flush that publishes the memtable makes the batch durable.
      CompletableFuture<Long> appended = bulkLoad ? null : wal.append(walBatch, durable);
      Memtable memtable = view.get().active();
      WalApply.apply(walBatch, lastSeq, memtable);
      if (conflicts.tracking()) {
        for (int i = 0; i < entries.size(); i++) {
          WalEntry e = entries.get(i);
          if (e.kind() == WalEntry.Kind.DELETE_RANGE) {
            conflicts.recordRange(e.key(), e.rangeEnd(), first + i);
          } else {
            conflicts.record(e.key(), first + i);
          }
        }
      }
      lastSeq = walBatch.lastSeq();
      state.visibleThrough(lastSeq);
      long last = lastSeq;
      lastSeqOut[0] = last;
      if (appended != null) {
        appended.whenComplete(
            (id, error) -> {
              if (error == null) {
                state.durableThrough(last);
              } else {
                state.fail(Futures.unwrap(error));
              }
            });
      }
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

  private static BulkLoadModeException refused(String what) {
    return new BulkLoadModeException(
        what
            + " is refused: the database is open in bulk-load mode (DbOptions.bulkLoad), where"
            + " writes skip the WAL and become durable only when their memtable's flush is"
            + " published. Nothing was written. Write with WriteOptions.noWait() and call"
            + " Db.flush() or close() to make the writes durable");
  }

  private void countWrite(List<WalEntry> batch, long bytes) {
    counters.batches.increment();
    counters.bytesWritten.add(bytes);
    for (WalEntry e : batch) {
      switch (e.kind()) {
        case PUT -> counters.puts.increment();
        case DELETE -> counters.deletes.increment();
        case MERGE -> counters.merges.increment();
        case DELETE_RANGE -> counters.rangeDeletes.increment();
      }
    }
  }

  private void checkUsable() {
    if (closed) {
      throw new DbClosedException("database");
    }
    RuntimeException f = state.failure();
    if (f != null) {
      throw Errors.rethrowable(f);
    }
  }
}
