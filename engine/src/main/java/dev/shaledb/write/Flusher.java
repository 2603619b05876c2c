package dev.shaledb.write;

import dev.shaledb.DbListener;
import dev.shaledb.error.FencedException;
import dev.shaledb.iterate.EntryIterator;
import dev.shaledb.iterate.VersionRewriter;
import dev.shaledb.manifest.CondemnedTablesException;
import dev.shaledb.manifest.FenceableManifest;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.sst.RangeTombstones;
import dev.shaledb.sst.SstBuilder;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.support.BackgroundHealth;
import dev.shaledb.support.Counters;
import dev.shaledb.table.TableIds;
import dev.shaledb.table.TableStore;
import dev.shaledb.view.DbView;
import dev.shaledb.view.ViewRef;
import dev.shaledb.wal.WalWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns frozen memtables into L0 tables, oldest first, one at a time: build the table, upload it,
 * then publish a manifest listing it together with the new replay anchor. The order (table durable,
 * then manifest, then the WAL objects become garbage) is what makes the WAL objects below the
 * anchor unnecessary. A failed upload is retried after a pause; the data stays in the WAL and the
 * memtable meanwhile, and writers feel it through the memory budget. Fencing stops it for good.
 */
public final class Flusher {
  private static final Logger LOG = LoggerFactory.getLogger(Flusher.class);

  /** Condemned uploads of one flush before it gives up (and retries later from scratch). */
  private static final int MAX_CONDEMNED_ATTEMPTS = 5;

  private static final long RETRY_DELAY_MILLIS = 500;
  private static final long L0_WAIT_MILLIS = 50;

  private final ViewRef view;
  private final FenceableManifest manifest;
  private final WalWriter wal;
  private final TableStore tables;
  private final TableIds ids;
  private final SstOptions tableOptions;
  private final ScheduledExecutorService scheduler;
  private final Counters counters;
  private final WriterState state;
  private final MemoryBudget budget;
  private final int l0StopTables;
  private final Supplier<VersionRewriter.Policy> rewritePolicy;
  private final Consumer<Manifest> onFlushed;
  private final DbListener listener;
  private final BackgroundHealth health;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile CompletableFuture<Void> idle = CompletableFuture.completedFuture(null);
  private volatile boolean stopped;

  public Flusher(
      ViewRef view,
      FenceableManifest manifest,
      WalWriter wal,
      TableStore tables,
      TableIds ids,
      SstOptions tableOptions,
      ScheduledExecutorService scheduler,
      Counters counters,
      WriterState state,
      MemoryBudget budget,
      int l0StopTables,
      Supplier<VersionRewriter.Policy> rewritePolicy,
      Consumer<Manifest> onFlushed,
      DbListener listener,
      BackgroundHealth health) {
    this.view = view;
    this.manifest = manifest;
    this.wal = wal;
    this.tables = tables;
    this.ids = ids;
    this.tableOptions = tableOptions;
    this.scheduler = scheduler;
    this.counters = counters;
    this.state = state;
    this.budget = budget;
    this.l0StopTables = l0StopTables;
    this.rewritePolicy = rewritePolicy;
    this.onFlushed = onFlushed;
    this.listener = listener;
    this.health = health;
  }

  /** Makes sure a flush runs soon if a frozen memtable waits. */
  public void wakeUp() {
    schedule(0);
  }

  /** Flushes every frozen memtable now and waits; throws the failure that stopped it, if any. */
  public void drain() {
    while (!stopped && view.get().oldestFrozen() != null && state.failure() == null) {
      flushOldest();
    }
  }

  /** Stops scheduling flushes; a flush in progress completes. */
  public void stop() {
    stopped = true;
  }

  private void schedule(long delayMillis) {
    if (stopped || !scheduled.compareAndSet(false, true)) {
      return;
    }
    scheduler.schedule(this::run, delayMillis, TimeUnit.MILLISECONDS);
  }

  private void run() {
    scheduled.set(false);
    try {
      // With L0 at its limit another table would only slow reads further: wait for compaction.
      // Memtables fill meanwhile and the memory budget slows and then blocks writers.
      if (view.get().manifest().l0().size() >= l0StopTables) {
        schedule(L0_WAIT_MILLIS);
        return;
      }
      drain();
    } catch (FencedException e) {
      state.fail(e);
    } catch (RuntimeException e) {
      health.failed(
          DbListener.BackgroundTask.FLUSH,
          LOG,
          "memtable flush failed; retrying in " + RETRY_DELAY_MILLIS + " ms",
          e);
      schedule(RETRY_DELAY_MILLIS);
    }
  }

  private synchronized void flushOldest() {
    DbView.Frozen frozen = view.get().oldestFrozen();
    if (frozen == null) {
      return;
    }
    Manifest next = publish(frozen);
    // Durable before the view drops the memtable: a durable-only read must never find a sequence
    // number whose older versions are gone from memory while it cannot yet read the table.
    state.durableThrough(frozen.lastSeq());
    view.update(v -> v.flushed(frozen, next));
    onFlushed.accept(next);
    counters.flushes.increment();
    budget.released();
  }

  /**
   * Uploads {@code frozen} as an L0 table and publishes it with the new replay anchor. If garbage
   * collection condemned the table while this flush stalled between upload and publish, nothing was
   * published: the memtable is uploaded again under an id above the new floor. If an earlier
   * attempt of this very flush was published after all (its outcome was unknown), the manifest
   * already holds its sequence numbers and it is not published twice.
   */
  private Manifest publish(DbView.Frozen frozen) {
    Manifest latest = manifest.latest();
    for (int attempt = 1; ; attempt++) {
      if (latest.state().lastFlushedSeq() >= frozen.lastSeq()) {
        return latest;
      }
      ids.observeFloor(latest.state().condemnedThrough());
      TableInfo table = buildAndUpload(frozen);
      listener.onFlushUploaded(table.id());
      long hint = wal.nextWalIdHint();
      try {
        Manifest next =
            manifest.update(
                s ->
                    s.lastFlushedSeq() >= frozen.lastSeq()
                        ? s // published by an earlier attempt whose outcome was unknown
                        : s.toBuilder()
                            .addL0(table)
                            .flushedWalId(Math.max(s.flushedWalId(), frozen.anchorWalId()))
                            .lastFlushedSeq(Math.max(s.lastFlushedSeq(), frozen.lastSeq()))
                            .nextWalId(Math.max(s.nextWalId(), hint))
                            .build());
        counters.tableBytesWritten.add(table.sizeBytes());
        return next;
      } catch (CondemnedTablesException e) {
        counters.condemnedUploads.increment();
        if (attempt >= MAX_CONDEMNED_ATTEMPTS) {
          throw e;
        }
        LOG.info(
            "flush of table {} stalled past garbage collection's minAge and was condemned;"
                + " uploading it again above table floor {}",
            table.id(),
            e.floor());
        ids.observeFloor(e.floor());
        latest = manifest.refresh();
      }
    }
  }

  private TableInfo buildAndUpload(DbView.Frozen frozen) {
    String id = ids.next();
    // Versions no snapshot can see are dropped already here: an overwrite-heavy memtable holds
    // many versions of few keys, and each one flushed would be uploaded and compacted again.
    try (SstBuilder builder = SstBuilder.inMemory(tableOptions, id);
        EntryIterator it = frozen.memtable().iterator(Long.MAX_VALUE)) {
      RangeTombstones ranges = frozen.memtable().rangeTombstones();
      VersionRewriter.Policy policy = rewritePolicy.get().withTombstones(ranges);
      VersionRewriter rewriter = new VersionRewriter(policy, builder::add);
      for (it.seekToFirst(); it.isValid(); it.next()) {
        rewriter.add(it.key(), it.seq(), it.kind(), it.value(), it.expireAtMillis());
      }
      rewriter.finish();
      builder.addRangeTombstones(ranges.retain(policy.retainSeq(), false));
      TableInfo table = TableStore.describe(id, builder.finish());
      tables.upload(id, builder.bytes());
      tables.warm(id, builder.bytes());
      return table;
    }
  }
}
