package dev.shaledb.txn;

import dev.shaledb.DbIterator;
import dev.shaledb.MergeOperator;
import dev.shaledb.ReadOptions;
import dev.shaledb.WriteOptions;
import dev.shaledb.wal.WalEntry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** What a transaction needs of the database it runs in. */
public interface TransactionHost {
  byte[] get(byte[] key, ReadOptions options);

  byte[][] multiGet(byte[][] keys, ReadOptions options);

  DbIterator scan(byte[] start, byte[] end, ReadOptions options, boolean reverse);

  /**
   * Writes {@code batch} atomically if {@code check} passes, run under the lock that orders writes
   * just before the batch gets its sequence numbers; returns the batch's last sequence number.
   */
  long write(List<WalEntry> batch, long bytes, WriteOptions options, Consumer<ConflictIndex> check);

  /**
   * As {@link #write}, returning once applied with a future that completes when durable; {@code
   * lastSeqOut[0]} receives the batch's last sequence number.
   */
  CompletableFuture<Void> writeAsync(
      List<WalEntry> batch, long bytes, Consumer<ConflictIndex> check, long[] lastSeqOut);

  /** The database's merge operator, or null if none is configured. */
  MergeOperator mergeOperator();

  /** Ends the transaction registered with snapshot {@code seq}. */
  void closeTransaction(long seq);
}
