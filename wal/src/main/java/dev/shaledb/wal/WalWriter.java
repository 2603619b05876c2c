package dev.shaledb.wal;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.FencedException;
import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.ObjectStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Appends batches to the WAL with group commit and active durability.
 *
 * <p>A durable append on an idle writer is uploaded at once. While puts are in flight, durable
 * batches accumulate: they go as soon as a put finishes, or in one more put (up to {@code
 * maxInFlight}) once the oldest has waited {@code overlapFraction} of the recent median put latency
 * — so writers that arrive together just after a put left share one overlapping put instead of
 * waiting two round trips. At low load a durable write costs about one PUT round trip; at high load
 * each round trip carries everything that arrived meanwhile (objects are cut at {@code
 * maxObjectBytes}). Non-durable batches wait for a durable one, a full object, {@link #flush()} or
 * {@code flushInterval}.
 *
 * <p>Acknowledgements are in WAL id order: an append's future completes with the id of the WAL
 * object that holds it once that object and every id below it are resolved. After any failure
 * (including {@link FencedException}) nothing more is acknowledged: every pending and later append
 * fails with that exception, and the engine must reopen. Futures complete on the writer's scheduler
 * thread, so dependent actions should be quick.
 *
 * <p>Thread-safe. {@link #append} blocks while {@code maxBufferedBytes} are waiting or in flight.
 */
public final class WalWriter implements AutoCloseable {
  private final WalWriterOptions options;
  private final long epoch;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final WalPuts puts;
  private final GroupCommit commit;

  private WalWriter(
      ObjectStore store,
      String dbPath,
      WalWriterOptions options,
      WalFence fence,
      WalReplay replay,
      Consumer<? super CorruptObjectException> onCorrupt,
      LongSupplier nanoTime) {
    this.options = options;
    this.epoch = fence.epoch();
    this.ownsScheduler = options.scheduler() == null;
    this.scheduler =
        ownsScheduler
            ? Executors.newSingleThreadScheduledExecutor(WalWriter::thread)
            : options.scheduler();
    this.commit =
        new GroupCommit(
            options,
            epoch,
            fence,
            replay,
            scheduler,
            () -> run(commit().onTimer()),
            () -> run(commit().onOverlapTimer()),
            nanoTime);
    this.puts = new WalPuts(store, dbPath, epoch, scheduler, new Outcomes(), onCorrupt);
  }

  private GroupCommit commit() {
    return commit;
  }

  /**
   * A writer continuing the log after {@code fence}, given the {@code replay} that ran after the
   * fence was placed and the manifest was re-checked.
   *
   * @throws FencedException if the replay saw a newer writer's objects
   */
  public static WalWriter open(
      ObjectStore store,
      String dbPath,
      WalWriterOptions options,
      WalFence fence,
      WalReplay replay) {
    return open(store, dbPath, options, fence, replay, e -> {});
  }

  /**
   * As {@link #open(ObjectStore, String, WalWriterOptions, WalFence, WalReplay)}, handing every
   * {@link CorruptObjectException} the writer detects (a damaged header it reads back to learn
   * whether an uncertain put landed) to {@code onCorrupt} once, before the writer fails with it. An
   * exception {@code onCorrupt} throws is attached to the corruption as suppressed.
   */
  public static WalWriter open(
      ObjectStore store,
      String dbPath,
      WalWriterOptions options,
      WalFence fence,
      WalReplay replay,
      Consumer<? super CorruptObjectException> onCorrupt) {
    return open(store, dbPath, options, fence, replay, onCorrupt, System::nanoTime);
  }

  /** As above, timing puts by {@code nanoTime} (tests replay the overlap policy from a seed). */
  static WalWriter open(
      ObjectStore store,
      String dbPath,
      WalWriterOptions options,
      WalFence fence,
      WalReplay replay,
      Consumer<? super CorruptObjectException> onCorrupt,
      LongSupplier nanoTime) {
    requireNonNull(store, "store is null");
    requireNonNull(onCorrupt, "onCorrupt is null");
    WalKeys.validateDbPath(dbPath);
    requireNonNull(options, "options is null");
    requireNonNull(fence, "fence is null");
    requireNonNull(replay, "replay is null");
    if (replay.maxEpoch() > fence.epoch()) {
      throw new FencedException(
          "the WAL holds epoch " + replay.maxEpoch() + "; this writer's epoch is " + fence.epoch());
    }
    if (replay.maxEpoch() != fence.epoch()
        || replay.chainTailId() != fence.walId()
        || replay.firstAbsentId() <= fence.walId()) {
      throw new IllegalArgumentException(
          "the replay " + replay + " did not run through the fence " + fence);
    }
    return new WalWriter(
        store,
        dbPath,
        options,
        fence,
        replay,
        onCorrupt,
        requireNonNull(nanoTime, "nanoTime is null"));
  }

  private static Thread thread(Runnable r) {
    Thread t = new Thread(r, "shaledb-wal-writer");
    t.setDaemon(true);
    return t;
  }

  /** The writer epoch this writer writes with. */
  public long epoch() {
    return epoch;
  }

  /**
   * The id of the last acknowledged WAL object (initially the fence): a valid replay anchor ({@code
   * flushedWalId}) once everything up to it is in tables.
   */
  public long durableWalId() {
    return commit.durableWalId();
  }

  /** An id below which every WAL id exists: a valid {@code nextWalId} hint for the manifest. */
  public long nextWalIdHint() {
    return commit.resolvedBelow();
  }

  /**
   * Appends {@code batch}; the future completes with the id of the WAL object that holds it once it
   * is durable. A durable batch is uploaded without delay; a non-durable one may wait (see the
   * class documentation). Its sequence numbers must be above every earlier batch's. The future
   * fails with the writer's failure, or {@link DbClosedException} after {@link #close()}.
   */
  public CompletableFuture<Long> append(WalBatch batch, boolean durable) {
    requireNonNull(batch, "batch is null");
    BatchCodec.Encoded encoded = BatchCodec.encode(batch);
    if (encoded.length() + WalObjectHeader.FENCE_OBJECT_SIZE > options.maxBufferedBytes()) {
      throw new IllegalArgumentException(
          "batch of "
              + encoded.length()
              + " bytes exceeds maxBufferedBytes "
              + options.maxBufferedBytes());
    }
    CompletableFuture<Long> future = new CompletableFuture<>();
    run(commit.append(batch, encoded, durable, future));
    return future;
  }

  /** Makes every batch appended so far durable; completes with the highest WAL id holding one. */
  public CompletableFuture<Long> flush() {
    GroupCommit.Waiting flushed = commit.flush();
    run(flushed.step());
    return flushed.future();
  }

  /**
   * Uploads everything appended so far and waits up to {@code closeTimeout} for it; appends still
   * unacknowledged then fail with {@link OutcomeUnknownException} (they may yet land). Later
   * appends fail with {@link DbClosedException}. Idempotent.
   */
  @Override
  public void close() {
    GroupCommit.Waiting closing = commit.close();
    if (closing == null) {
      return;
    }
    run(closing.step());
    if (closing.future() != null) {
      awaitQuietly(closing.future());
    }
    run(
        commit.abandon(
            new OutcomeUnknownException("WAL writer closed before its puts completed", null)));
    if (ownsScheduler) {
      scheduler.shutdown();
    }
  }

  private void awaitQuietly(CompletableFuture<Long> last) {
    try {
      last.get(options.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException | ExecutionException e) {
      // The appends' own futures report it.
    }
  }

  private void run(GroupCommit.Step step) {
    step.completions().forEach(Runnable::run);
    puts.start(step.starts());
  }

  /** Feeds the puts' outcomes into the state machine. */
  private final class Outcomes implements WalPuts.Listener {
    @Override
    public void landed(Segment.Attempt attempt) {
      run(commit.settled(attempt, false));
    }

    @Override
    public void takenByOlderEpoch(Segment.Attempt attempt) {
      run(commit.settled(attempt, true));
    }

    @Override
    public void failed(Segment.Attempt attempt, RuntimeException cause) {
      run(commit.failed(cause));
    }
  }
}
