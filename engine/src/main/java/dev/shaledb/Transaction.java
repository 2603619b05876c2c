package dev.shaledb;

import java.util.List;

/**
 * Reads and writes that commit together or not at all, checked optimistically: reads come from a
 * snapshot taken at {@link Db#beginTransaction}, over the transaction's own writes; writes are kept
 * in the transaction until {@link #commit()}, which checks them (and under {@link
 * IsolationLevel#SERIALIZABLE} the reads) against every write committed since the snapshot and then
 * applies them as one atomic batch, or throws {@link
 * dev.shaledb.error.TransactionConflictException} and applies nothing. Nothing is locked while the
 * transaction runs, so a transaction never waits for another; one that loses a race runs again.
 *
 * <p>While open, a transaction holds its snapshot (the versions it reads are kept from compaction),
 * so close it: {@link #close()} discards an uncommitted transaction. After {@link #commit()} or
 * {@link #rollback()} every method but {@link #close()} throws {@link IllegalStateException}; if
 * the database is closed, they throw {@link dev.shaledb.error.DbClosedException}.
 *
 * <p>Transactions run in the writer process; {@link DbReader}s see a transaction's writes all at
 * once, after its commit, or not at all, as they see any batch. Not thread-safe: use one from one
 * thread at a time. See docs/transactions.md for the guarantees and costs.
 */
public interface Transaction extends AutoCloseable {
  /** The value of {@code key}: the transaction's own write if any, else at its snapshot. */
  byte[] get(byte[] key);

  /** The values of {@code keys} in order, as {@link #get} would return them (null if absent). */
  List<byte[]> multiGet(List<byte[]> keys);

  /**
   * The keys of {@code [startInclusive, endExclusive)} (null: unbounded) at the snapshot, with the
   * transaction's own writes (as of this call) laid over them, ascending. Under {@link
   * IsolationLevel#SERIALIZABLE} the whole range counts as read.
   */
  DbIterator scan(byte[] startInclusive, byte[] endExclusive);

  /** As {@link #scan}, descending. */
  DbIterator scanReverse(byte[] startInclusive, byte[] endExclusive);

  /** Puts {@code value} under {@code key} when the transaction commits. */
  void put(byte[] key, byte[] value);

  /** Deletes {@code key} when the transaction commits. */
  void delete(byte[] key);

  /**
   * Adds a merge operand for {@code key} ({@link Db#merge(byte[], byte[])}); the transaction's own
   * reads of the key fold it over the snapshot's value (or over its own put or delete). Committed
   * as an operand, so a conflict on the key is a write-write conflict as for a put.
   *
   * @throws dev.shaledb.error.MergeOperatorException if folding over an own put or delete fails;
   *     the transaction is unchanged
   */
  void merge(byte[] key, byte[] operand);

  /**
   * Checks and applies the transaction's writes atomically, returning when they are durable.
   *
   * @throws dev.shaledb.error.TransactionConflictException if a write committed after the snapshot
   *     conflicts; nothing was applied
   */
  void commit();

  /** As {@link #commit()}, durable as {@code options} asks (see {@link WriteOptions}). */
  void commit(WriteOptions options);

  /**
   * Checks and applies the transaction's writes atomically as {@link #commit()} does, and returns
   * at once with a future that completes when they are durable (or exceptionally with the error a
   * durable commit would have thrown), as {@link Db#writeAsync} does for a batch.
   *
   * @throws dev.shaledb.error.TransactionConflictException if a write committed after the snapshot
   *     conflicts; nothing was applied
   */
  java.util.concurrent.CompletableFuture<Void> commitAsync();

  /** Discards the transaction's writes and releases its snapshot. */
  void rollback();

  /** The sequence number of the snapshot the transaction reads at. */
  long snapshotSequence();

  /**
   * The sequence number of the transaction's last write, once committed: the point at which it took
   * effect ({@code -1} for a transaction that wrote nothing, which took effect at its snapshot).
   *
   * @throws IllegalStateException if the transaction is not committed
   */
  long commitSequence();

  /** The transaction's isolation level. */
  IsolationLevel isolation();

  /** Rolls back unless committed; idempotent. */
  @Override
  void close();
}
