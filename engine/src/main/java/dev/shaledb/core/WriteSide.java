package dev.shaledb.core;

import dev.shaledb.CompactionOptions;
import dev.shaledb.DbOptions;
import dev.shaledb.error.DbException;
import dev.shaledb.error.FencedException;
import dev.shaledb.iterate.VersionRewriter;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.read.LatestReads;
import dev.shaledb.sst.RangeTombstones;
import dev.shaledb.support.BackgroundHealth;
import dev.shaledb.support.Counters;
import dev.shaledb.support.Errors;
import dev.shaledb.support.Expiry;
import dev.shaledb.table.TableIds;
import dev.shaledb.table.TableStore;
import dev.shaledb.view.ViewRef;
import dev.shaledb.wal.WalWriter;
import dev.shaledb.write.Flusher;
import dev.shaledb.write.MemoryBudget;
import dev.shaledb.write.Recovery;
import dev.shaledb.write.WritePath;
import dev.shaledb.write.WriterState;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The write path of an open database as one part: the {@link WritePath} over the recovered WAL and
 * memtable, the {@link Flusher} that uploads frozen memtables, the {@link MemoryBudget} that stalls
 * writers, and the {@link WriterState} they share (docs/architecture.md, "Packages").
 *
 * <p>Invariants: the write path and the flusher share only the writer state and neither calls the
 * other back (a write only wakes the flusher); sequence numbers continue from the recovered WAL;
 * every flush is told to {@code flushed} after it is published; once the writer has failed (a
 * fence, a lost WAL write) nothing more is uploaded, not even at close. In bulk-load mode the WAL
 * takes no writes, so a write is durable only once its memtable's flush is published, and a close
 * that could not publish every accepted write throws rather than return as if it had.
 */
final class WriteSide {
  private final WalWriter wal;
  private final MemoryBudget budget;
  private final WriterState state;
  private final Flusher flusher;
  private final WritePath writes;
  private final boolean bulkLoad;

  /**
   * @param retainSeq the oldest sequence number a reader may read at: a flush keeps every newer
   *     version
   * @param flushed told about every manifest a flush publishes
   */
  WriteSide(
      DbOptions options,
      Recovery.Recovered recovered,
      ViewRef view,
      TableStore tables,
      TableIds tableIds,
      ScheduledExecutorService background,
      Counters counters,
      BackgroundHealth health,
      LongSupplier retainSeq,
      Consumer<Manifest> flushed) {
    this.wal = recovered.wal();
    this.bulkLoad = options.bulkLoad();
    CompactionOptions compaction = options.compaction();
    this.budget =
        new MemoryBudget(
            options.maxUnflushedBytes(),
            options.writeStallTimeout(),
            () -> view.get().unflushedBytes(),
            () -> view.get().manifest().l0().size(),
            () -> view.get().manifest().sortedRuns().size(),
            compaction);
    this.state = new WriterState(recovered.lastSeq(), budget);
    this.flusher =
        new Flusher(
            view,
            recovered.manifest(),
            wal,
            tables,
            tableIds,
            options.tableOptions(),
            options.warmBlockCacheOnFlush(),
            background,
            counters,
            state,
            budget,
            compaction.l0StopTables(),
            () ->
                new VersionRewriter.Policy(
                    retainSeq.getAsLong(),
                    false,
                    options.mergeOperator(),
                    options.clock().millis() - compaction.expiryGrace().toMillis(),
                    null,
                    RangeTombstones.empty()),
            flushed,
            options.listener(),
            health);
    long defaultTtl =
        options.defaultTtl() == null ? Expiry.DEFAULT : Expiry.ttlMillis(options.defaultTtl());
    this.writes =
        new WritePath(
            wal,
            view,
            state,
            budget,
            counters,
            options.memtableBytes(),
            recovered.lastSeq(),
            flusher::wakeUp,
            options.listener(),
            options.conflictHistoryBytes(),
            entries -> Expiry.stamp(entries, options.clock().millis(), defaultTtl),
            bulkLoad);
  }

  WritePath writes() {
    return writes;
  }

  WriterState state() {
    return state;
  }

  MemoryBudget budget() {
    return budget;
  }

  /** What the latest reads need of the writer: its sequence numbers and its failure. */
  LatestReads.Writer forReads() {
    return new LatestReads.Writer() {
      @Override
      public long visibleSeq() {
        return state.visibleSeq();
      }

      @Override
      public long durableSeq() {
        return state.durableSeq();
      }

      @Override
      public RuntimeException failure() {
        return state.failure();
      }
    };
  }

  /**
   * Freezes the active memtable and uploads every frozen one on this thread; rethrows the writer's
   * failure if it has one. Returns the last write visible before, which the uploads cover unless
   * the flusher was stopped meanwhile.
   */
  long flushAll() {
    long target = state.visibleSeq();
    writes.freezeNow();
    try {
      flusher.drain();
    } catch (FencedException e) {
      // As when the background flusher meets the fence: in bulk-load mode a flush is the only
      // request that can, so without this the fenced writer would go on accepting writes.
      state.fail(e);
      throw Errors.rethrowable(e);
    }
    RuntimeException failure = state.failure();
    if (failure != null) {
      throw Errors.rethrowable(failure);
    }
    return target;
  }

  /**
   * Refuses new writes and makes accepted ones durable, then, if {@code flush}, uploads the
   * memtables. A failed writer skips both; in bulk-load mode it then throws its failure if it had
   * accepted writes that no flush published, since they are lost.
   */
  void close(boolean flush) {
    writes.close();
    if (state.failure() == null) {
      Futures.join(wal.flush());
      if (flush) {
        writes.freezeNow();
        flusher.drain();
      }
    }
    if (bulkLoad && state.acceptedSeq() > state.durableSeq()) {
      RuntimeException failure = state.failure();
      throw failure != null
          ? Errors.rethrowable(failure)
          : new DbException(
              "bulk-load close published writes up to sequence "
                  + state.durableSeq()
                  + " only, not "
                  + state.acceptedSeq()
                  + ": the rest are lost");
    }
  }

  /** Stops the flusher: no upload starts after this. */
  void stopFlusher() {
    flusher.stop();
  }
}
