package dev.shaledb.core;

import dev.shaledb.DbIterator;
import dev.shaledb.MergeOperator;
import dev.shaledb.ReadOptions;
import dev.shaledb.Snapshot;
import dev.shaledb.Transaction;
import dev.shaledb.TransactionOptions;
import dev.shaledb.WriteOptions;
import dev.shaledb.read.LatestReads;
import dev.shaledb.txn.ConflictIndex;
import dev.shaledb.txn.TransactionHost;
import dev.shaledb.txn.TransactionImpl;
import dev.shaledb.wal.WalEntry;
import dev.shaledb.write.WritePath;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where the writer's transactions meet its reads and its write path: a transaction's snapshot is
 * taken under the write lock together with its conflict registration, and it reads and commits
 * through the same paths as every other read and write (each checking the database is open).
 */
final class Transactions implements TransactionHost {
  private final LatestReads latest;
  private final WritePath writes;
  private final Runnable checkOpen;
  private final MergeOperator mergeOperator;

  Transactions(
      LatestReads latest, WritePath writes, Runnable checkOpen, MergeOperator mergeOperator) {
    this.latest = latest;
    this.writes = writes;
    this.checkOpen = checkOpen;
    this.mergeOperator = mergeOperator;
  }

  @Override
  public MergeOperator mergeOperator() {
    return mergeOperator;
  }

  Transaction begin(TransactionOptions options) {
    Snapshot snapshot = writes.openTransaction(latest::snapshotAt);
    return new TransactionImpl(this, snapshot, options);
  }

  @Override
  public byte[] get(byte[] key, ReadOptions options) {
    checkOpen.run();
    return latest.get(key, options);
  }

  @Override
  public byte[][] multiGet(byte[][] keys, ReadOptions options) {
    checkOpen.run();
    return latest.multiGet(keys, options);
  }

  @Override
  public DbIterator scan(byte[] start, byte[] end, ReadOptions options, boolean reverse) {
    checkOpen.run();
    return latest.scan(start, end, options, reverse);
  }

  @Override
  public long write(
      List<WalEntry> batch, long bytes, WriteOptions options, Consumer<ConflictIndex> check) {
    return writes.write(batch, bytes, options, check);
  }

  @Override
  public CompletableFuture<Void> writeAsync(
      List<WalEntry> batch, long bytes, Consumer<ConflictIndex> check, long[] lastSeqOut) {
    return writes.writeAsync(batch, bytes, check, lastSeqOut);
  }

  @Override
  public void closeTransaction(long seq) {
    writes.closeTransaction(seq);
  }
}
