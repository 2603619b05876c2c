package dev.shaledb.write;

import dev.shaledb.DbListener;
import dev.shaledb.error.FencedException;
import dev.shaledb.iterate.EntryIterator;
import dev.shaledb.iterate.VersionRewriter;
import dev.shaledb.manifest.CondemnedTablesException;
import dev.shaledb.manifest.FenceableManifest;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.sst.RangeTombstones;
import dev.shaledb.sst.SstBuilder;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.support.BackgroundHealth;
import dev.shaledb.support.Counters;
import dev.shaledb.table.TableIds;
import dev.shaledb.table.TableStore;
import dev.shaledb.table.TableUpload;
import dev.shaledb.view.DbView;
import dev.shaledb.view.ViewRef;
import dev.shaledb.wal.WalWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns frozen memtables into L0 tables, oldest first: build each table and upload it, several
 * concurrently when flushes fall behind, then publish one manifest version listing them together
 * with the newest one's replay anchor. Publishes are in memtable order. The order (table durable,
 * then manifest, then the WAL objects become garbage) is what makes the WAL objects below the
 * anchor unnecessary. A failed upload is retried after a pause; the data stays in the WAL and the
 * memtable meanwhile, and writers feel it through the memory budget. Fencing stops it for good.
 */
public final class Flusher {
  private static final Logger LOG = LoggerFactory.getLogger(Flusher.class);

  /** Condemned uploads of one flush before it gives up (and retries later from scratch). */
  private static final int MAX_CONDEMNED_ATTEMPTS = 5;

  /**
   * Frozen memtables one flush uploads concurrently and publishes in one manifest version. More
   * only wait when flushes fall behind (object-store latency), and then one publish instead of
   * several saves manifest PUTs.
   */
  private static final int MAX_TABLES_PER_FLUSH = 4;

  private static final long RETRY_DELAY_MILLIS = 500;
  private static final long L0_WAIT_MILLIS = 50;

  private final ViewRef view;
  private final FenceableManifest manifest;
  private final WalWriter wal;
  private final TableStore tables;
  private final TableIds ids;
  private final SstOptions tableOptions;
  private final boolean warmCache;
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
      boolean warmCache,
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
    this.warmCache = warmCache;
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
    DbView v = view.get();
    List<DbView.Frozen> batch =
        oldestFirst(v, Math.max(1, l0StopTables - v.manifest().l0().size()));
    if (batch.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    Manifest next = publish(batch);
    // Durable before the view drops the memtables: a durable-only read must never find a sequence
    // number whose older versions are gone from memory while it cannot yet read the table.
    state.durableThrough(batch.get(batch.size() - 1).lastSeq());
    for (DbView.Frozen frozen : batch) {
      view.update(w -> w.flushed(frozen, next));
    }
    onFlushed.accept(next);
    counters.flushes.add(batch.size());
    long freed = 0;
    for (DbView.Frozen frozen : batch) {
      freed += frozen.memtable().approximateBytes();
    }
    budget.released(freed, System.nanoTime() - started);
  }

  /** Up to {@link #MAX_TABLES_PER_FLUSH} and {@code room} frozen memtables, oldest first. */
  private static List<DbView.Frozen> oldestFirst(DbView v, int room) {
    List<DbView.Frozen> newestFirst = v.frozen();
    int n = Math.min(newestFirst.size(), Math.min(room, MAX_TABLES_PER_FLUSH));
    List<DbView.Frozen> batch = new ArrayList<>(n);
    for (int i = newestFirst.size() - 1; batch.size() < n; i--) {
      batch.add(newestFirst.get(i));
    }
    return batch;
  }

  /**
   * Uploads {@code batch} (oldest first) as L0 tables, concurrently, and publishes them in one
   * manifest version with the newest one's replay anchor. If garbage collection condemned a table
   * while this flush stalled between upload and publish, nothing was published: the memtables are
   * uploaded again under ids above the new floor. Memtables an earlier attempt published after all
   * (its outcome was unknown) are in the manifest already and are not published twice: they are a
   * prefix of the batch, since flushes publish in order.
   */
  private Manifest publish(List<DbView.Frozen> batch) {
    Manifest latest = manifest.latest();
    for (int attempt = 1; ; attempt++) {
      long flushedSeq = latest.state().lastFlushedSeq();
      List<DbView.Frozen> todo = batch.stream().filter(f -> f.lastSeq() > flushedSeq).toList();
      if (todo.isEmpty()) {
        return latest;
      }
      ids.observeFloor(latest.state().condemnedThrough());
      List<TableInfo> built = buildAndUpload(todo);
      for (TableInfo t : built) {
        listener.onFlushUploaded(t.id());
      }
      long hint = wal.nextWalIdHint();
      try {
        Manifest next = manifest.update(s -> withTables(s, todo, built, hint));
        for (TableInfo t : built) {
          counters.tableBytesWritten.add(t.sizeBytes());
        }
        return next;
      } catch (CondemnedTablesException e) {
        counters.condemnedUploads.increment();
        if (attempt >= MAX_CONDEMNED_ATTEMPTS) {
          throw e;
        }
        LOG.info(
            "flush of tables {} stalled past garbage collection's minAge and was condemned;"
                + " uploading them again above table floor {}",
            built.stream().map(TableInfo::id).toList(),
            e.floor());
        ids.observeFloor(e.floor());
        latest = manifest.refresh();
      }
    }
  }

  /** {@code s} listing every table of {@code todo} it does not yet hold, oldest first. */
  private static ManifestState withTables(
      ManifestState s, List<DbView.Frozen> todo, List<TableInfo> built, long hint) {
    ManifestState.Builder b = s.toBuilder();
    long flushedSeq = s.lastFlushedSeq();
    long flushedWalId = s.flushedWalId();
    boolean changed = false;
    for (int i = 0; i < todo.size(); i++) {
      DbView.Frozen frozen = todo.get(i);
      if (frozen.lastSeq() <= flushedSeq) {
        continue; // published by an earlier attempt whose outcome was unknown
      }
      b.addL0(built.get(i));
      flushedSeq = frozen.lastSeq();
      flushedWalId = Math.max(flushedWalId, frozen.anchorWalId());
      changed = true;
    }
    if (!changed) {
      return s;
    }
    return b.flushedWalId(flushedWalId)
        .lastFlushedSeq(flushedSeq)
        .nextWalId(Math.max(s.nextWalId(), hint))
        .build();
  }

  /**
   * Builds one table per memtable, each streamed to the store as it is built (a few parts held, not
   * the whole table), so the uploads overlap each other and the next build; returns when all are
   * complete. A failure aborts the uploads not yet complete: nothing of them becomes visible.
   */
  private List<TableInfo> buildAndUpload(List<DbView.Frozen> todo) {
    List<TableInfo> built = new ArrayList<>(todo.size());
    List<TableUpload> uploads = new ArrayList<>(todo.size());
    List<CompletableFuture<ObjectMeta>> completions = new ArrayList<>(todo.size());
    try {
      for (DbView.Frozen frozen : todo) {
        String id = ids.next();
        TableUpload upload = tables.openUpload(id, warmCache);
        uploads.add(upload);
        try (SstBuilder builder = upload.builder(tableOptions)) {
          built.add(build(frozen, builder, id));
        }
        completions.add(upload.complete());
      }
      for (CompletableFuture<ObjectMeta> completion : completions) {
        Futures.join(completion);
      }
      return built;
    } finally {
      uploads.forEach(TableUpload::close);
    }
  }

  private TableInfo build(DbView.Frozen frozen, SstBuilder builder, String id) {
    // Versions no snapshot can see are dropped already here: an overwrite-heavy memtable holds
    // many versions of few keys, and each one flushed would be uploaded and compacted again.
    try (EntryIterator it = frozen.memtable().iterator(Long.MAX_VALUE)) {
      RangeTombstones ranges = frozen.memtable().rangeTombstones();
      VersionRewriter.Policy policy = rewritePolicy.get().withTombstones(ranges);
      VersionRewriter rewriter = new VersionRewriter(policy, builder::add);
      for (it.seekToFirst(); it.isValid(); it.next()) {
        rewriter.add(it.key(), it.seq(), it.kind(), it.value(), it.expireAtMillis());
      }
      rewriter.finish();
      builder.addRangeTombstones(ranges.retain(policy.retainSeq(), false));
      return TableStore.describe(id, builder.finish());
    }
  }
}
