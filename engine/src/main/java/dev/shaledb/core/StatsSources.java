package dev.shaledb.core;

import dev.shaledb.DbStats;
import dev.shaledb.cache.DiskCache;
import dev.shaledb.compaction.Compactions;
import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.support.BackgroundHealth;
import dev.shaledb.support.Counters;
import dev.shaledb.table.CaffeineBlockCache;
import dev.shaledb.table.TableStore;
import dev.shaledb.view.DbView;
import dev.shaledb.view.ViewRef;
import dev.shaledb.write.MemoryBudget;
import dev.shaledb.write.WriterState;

/**
 * Where each number of {@link DbStats} comes from: the counters, the current view, the writer's
 * state and budget, compaction, the caches, the metered store and background health.
 *
 * <p>Invariants: reading the stats changes nothing and blocks on nothing; the numbers are read one
 * after another, not at one instant, so they may disagree slightly under load. A cache or compactor
 * that does not run counts as zeros.
 */
final class StatsSources {
  private final Counters counters;
  private final ViewRef view;
  private final WriterState state;
  private final MemoryBudget budget;
  private final CompactionService compaction;
  private final CaffeineBlockCache cache; // null: none
  private final DiskCache diskCache; // null: none
  private final MeteredObjectStore store;
  private final BackgroundHealth health;
  private final boolean bulkLoad;

  StatsSources(
      Counters counters,
      ViewRef view,
      WriterState state,
      MemoryBudget budget,
      CompactionService compaction,
      CaffeineBlockCache cache,
      DiskCache diskCache,
      MeteredObjectStore store,
      BackgroundHealth health,
      boolean bulkLoad) {
    this.counters = counters;
    this.view = view;
    this.state = state;
    this.budget = budget;
    this.compaction = compaction;
    this.cache = cache;
    this.diskCache = diskCache;
    this.store = store;
    this.health = health;
    this.bulkLoad = bulkLoad;
  }

  DbStats snapshot() {
    DbView v = view.get();
    DiskCache.Stats disk = diskCache == null ? null : diskCache.stats();
    Compactions compactions = compaction.current();
    return new DbStats(
        counters.puts.sum(),
        counters.deletes.sum(),
        counters.batches.sum(),
        counters.bytesWritten.sum(),
        counters.gets.sum(),
        counters.scans.sum(),
        state.visibleSeq(),
        state.durableSeq(),
        v.active().approximateBytes(),
        v.frozen().size(),
        v.unflushedBytes(),
        counters.flushes.sum(),
        v.manifest().l0().size(),
        v.manifest().sortedRuns().size(),
        TableStore.totalBytes(v.manifest()),
        counters.tableBytesWritten.sum(),
        budget.stallNanos(),
        compactions == null ? 0 : compactions.completed.sum(),
        compactions == null ? 0 : compactions.bytesRead.sum(),
        compactions == null ? 0 : compactions.bytesWritten.sum(),
        cache == null ? 0 : cache.hits(),
        cache == null ? 0 : cache.misses(),
        cache == null ? 0 : cache.weightedBytes(),
        micros(0.5),
        micros(0.99),
        micros(0.999),
        store.snapshot(),
        health.failures(),
        health.lastError(),
        counters.condemnedUploads.sum() + (compactions == null ? 0 : compactions.condemned.sum()),
        disk == null ? 0 : disk.hits(),
        disk == null ? 0 : disk.misses(),
        disk == null ? 0 : disk.bytes(),
        disk == null ? 0 : disk.damaged(),
        counters.merges.sum(),
        counters.rangeDeletes.sum(),
        bulkLoad);
  }

  /** A quantile of the latency of durable acknowledgements, in microseconds. */
  private long micros(double quantile) {
    return counters.durableAcks.quantileNanos(quantile) / 1000;
  }
}
