package dev.shaledb.wal;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.DbException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The state of a {@link WalWriter}: which batches wait, which objects are in flight, which ids are
 * resolved, what may be acknowledged. Every method takes the lock and returns a {@link Step}: the
 * puts to start and the futures to complete, which the caller performs after the lock is released.
 *
 * <p>Invariants: {@code unacked} holds issued segments in append order with increasing ids; a
 * segment is acknowledged only when it landed and every id below it is resolved (occupied by an
 * object we have seen), which is what keeps a fenced writer from acknowledging anything above the
 * fence; the next segment's {@code prevId} is {@code chainTail}.
 *
 * <p>Overlap: with a put in flight, another partial object is issued only when {@link
 * OverlapPolicy} says the oldest urgent batch has waited long enough; the wait affects only when a
 * put starts, never what a put holds or what is acknowledged.
 */
final class GroupCommit {
  /** Work to do outside the lock. */
  record Step(List<Segment.Attempt> starts, List<Runnable> completions) {
    static final Step NONE = new Step(List.of(), List.of());
  }

  private final WalWriterOptions options;
  private final long epoch;
  private final ScheduledExecutorService scheduler;
  private final Runnable timerAction;
  private final LongSupplier nanoTime;
  private final OverlapPolicy overlap;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition space = lock.newCondition();
  private final ArrayDeque<Segment.Pending> pending = new ArrayDeque<>();
  private final ArrayDeque<Segment> toIssue = new ArrayDeque<>();
  private final ArrayDeque<Segment> unacked = new ArrayDeque<>();
  private long pendingBytes;
  private long bufferedBytes;
  private long nextId;
  private final ResolvedIds resolved;
  private long chainTail;
  private long durableWalId;
  private long lastSeq;
  private long appended;
  private long urgentThrough;
  private int inFlight;
  private RuntimeException failure;
  private boolean closed;
  private ScheduledFuture<?> timer;
  private CompletableFuture<Long> lastFuture;

  GroupCommit(
      WalWriterOptions options,
      long epoch,
      WalFence fence,
      WalReplay replay,
      ScheduledExecutorService scheduler,
      Runnable timerAction,
      Runnable overlapAction,
      LongSupplier nanoTime) {
    this.options = options;
    this.epoch = epoch;
    this.scheduler = scheduler;
    this.timerAction = timerAction;
    this.nanoTime = nanoTime;
    this.overlap = new OverlapPolicy(options.overlapFraction(), scheduler, overlapAction, nanoTime);
    this.nextId = replay.firstAbsentId();
    this.resolved = new ResolvedIds(replay.firstAbsentId());
    this.chainTail = fence.walId();
    this.durableWalId = fence.walId();
    this.lastSeq = replay.lastSeq();
  }

  long durableWalId() {
    lock.lock();
    try {
      return durableWalId;
    } finally {
      lock.unlock();
    }
  }

  long resolvedBelow() {
    lock.lock();
    try {
      return resolved.below();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues a batch, blocking while the buffer is full. If the writer refuses it (closed or failed)
   * the future is failed and nothing happens.
   */
  Step append(
      WalBatch batch, BatchCodec.Encoded encoded, boolean durable, CompletableFuture<Long> future) {
    lock.lock();
    try {
      RuntimeException refusal = awaitSpace(encoded.length());
      if (refusal != null) {
        future.completeExceptionally(refusal);
        return Step.NONE;
      }
      if (batch.firstSeq() <= lastSeq) {
        throw new IllegalArgumentException(
            "batch firstSeq " + batch.firstSeq() + " is not above the last seq " + lastSeq);
      }
      lastSeq = batch.lastSeq();
      long index = ++appended;
      pending.add(new Segment.Pending(encoded, future, index, nanoTime.getAsLong()));
      pendingBytes += encoded.length();
      bufferedBytes += encoded.length();
      if (durable) {
        markUrgent(index);
      }
      lastFuture = future;
      return new Step(pump(), List.of());
    } finally {
      lock.unlock();
    }
  }

  /** A step, and the future the caller hands back for a flush or waits on for a close. */
  record Waiting(Step step, CompletableFuture<Long> future) {}

  /** Makes everything appended so far urgent; the future completes when it is durable. */
  Waiting flush() {
    lock.lock();
    try {
      if (failure != null) {
        return new Waiting(Step.NONE, CompletableFuture.failedFuture(failure));
      }
      markUrgent(appended);
      CompletableFuture<Long> done =
          lastFuture == null
              ? CompletableFuture.completedFuture(durableWalId)
              : lastFuture.thenApply(id -> id);
      return new Waiting(new Step(pump(), List.of()), done);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Refuses further appends and sends everything pending; the future is the last append's (null if
   * none). Returns null if already closed.
   */
  Waiting close() {
    lock.lock();
    try {
      if (closed) {
        return null;
      }
      closed = true;
      cancelTimer();
      space.signalAll();
      return new Waiting(new Step(pump(), List.of()), lastFuture);
    } finally {
      lock.unlock();
    }
  }

  /** Fails whatever is still unacknowledged (after close gave up waiting). */
  Step abandon(RuntimeException cause) {
    lock.lock();
    try {
      boolean any = !pending.isEmpty() || !toIssue.isEmpty() || !unacked.isEmpty();
      return any ? new Step(List.of(), fail(cause)) : Step.NONE;
    } finally {
      lock.unlock();
    }
  }

  Step onTimer() {
    lock.lock();
    try {
      timer = null;
      markUrgent(appended);
      return new Step(pump(), List.of());
    } finally {
      lock.unlock();
    }
  }

  /** The overlap wait of the oldest urgent batch is over: issue a put if a slot is free. */
  Step onOverlapTimer() {
    lock.lock();
    try {
      overlap.timerFired();
      return new Step(pump(), List.of());
    } finally {
      lock.unlock();
    }
  }

  /** The attempt's object is at its id, or a fenced writer's object took the id. */
  Step settled(Segment.Attempt a, boolean takenByOlderEpoch) {
    lock.lock();
    try {
      inFlight--;
      if (failure != null) {
        return Step.NONE;
      }
      if (!takenByOlderEpoch && a.unknownOutcomes == 0) {
        overlap.recordPut(nanoTime.getAsLong() - a.startedNanos);
      }
      resolved.resolve(a.id());
      if (a.segment.attempt == a) {
        if (takenByOlderEpoch) {
          replace(a.segment);
        } else {
          a.segment.landed = true;
        }
      }
      List<Runnable> acks = collectAcks();
      return new Step(pump(), acks);
    } finally {
      lock.unlock();
    }
  }

  /** The attempt failed for good: the id may stay empty, so nothing more can be acknowledged. */
  Step failed(RuntimeException cause) {
    lock.lock();
    try {
      inFlight--;
      return failure == null ? new Step(List.of(), fail(cause)) : Step.NONE;
    } finally {
      lock.unlock();
    }
  }

  private RuntimeException awaitSpace(int bytes) {
    while (true) {
      if (closed) {
        return new DbClosedException("WAL writer");
      }
      if (failure != null) {
        return failure;
      }
      if (bufferedBytes == 0 || bufferedBytes + bytes <= options.maxBufferedBytes()) {
        return null;
      }
      try {
        space.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new DbException("interrupted while waiting for WAL buffer space");
      }
    }
  }

  /** Issues puts while slots are free and something urgent waits. */
  private List<Segment.Attempt> pump() {
    List<Segment.Attempt> starts = new ArrayList<>();
    while (failure == null && inFlight < options.maxInFlight()) {
      if (toIssue.isEmpty()) {
        if (pending.isEmpty()
            || !urgent()
            || overlap.mustWait(inFlight, closed || full(), pending.peekFirst().appendedNanos())) {
          break;
        }
        toIssue.add(cut());
      }
      Segment s = toIssue.poll();
      s.id = nextId++;
      s.prevId = chainTail;
      chainTail = s.id;
      s.landed = false;
      WalObjectHeader header =
          new WalObjectHeader(s.id, epoch, s.prevId, UUID.randomUUID(), false, s.batches.size());
      s.attempt = new Segment.Attempt(s, header);
      s.attempt.startedNanos = nanoTime.getAsLong();
      unacked.add(s);
      inFlight++;
      starts.add(s.attempt);
    }
    armTimer();
    return starts;
  }

  private boolean urgent() {
    return closed || full() || pending.peekFirst().index() <= urgentThrough;
  }

  private boolean full() {
    return pendingBytes + WalObjectHeader.FENCE_OBJECT_SIZE >= options.maxObjectBytes();
  }

  /**
   * Makes every batch through {@code index} urgent, noting when the oldest waiting one became so.
   */
  private void markUrgent(long index) {
    Segment.Pending head = pending.peekFirst();
    if (head != null && head.index() > urgentThrough && head.index() <= index) {
      overlap.becameUrgent();
    }
    urgentThrough = Math.max(urgentThrough, index);
  }

  private Segment cut() {
    List<Segment.Pending> batches = new ArrayList<>();
    long room = options.maxObjectBytes() - WalObjectHeader.FENCE_OBJECT_SIZE;
    long bytes = 0;
    while (!pending.isEmpty()) {
      Segment.Pending next = pending.peekFirst();
      if (!batches.isEmpty() && bytes + next.encoded().length() > room) {
        break;
      }
      batches.add(pending.poll());
      bytes += next.encoded().length();
      pendingBytes -= next.encoded().length();
    }
    return new Segment(batches);
  }

  private void armTimer() {
    if (options.flushInterval() == null
        || timer != null
        || failure != null
        || pending.isEmpty()
        || urgent()) {
      return;
    }
    long nanos = options.flushInterval().toNanos();
    timer = scheduler.schedule(timerAction, nanos, TimeUnit.NANOSECONDS);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    overlap.cancel();
  }

  private List<Runnable> collectAcks() {
    List<Runnable> acks = new ArrayList<>();
    while (!unacked.isEmpty()) {
      Segment s = unacked.peekFirst();
      if (!s.landed || s.id >= resolved.below()) {
        break;
      }
      unacked.poll();
      durableWalId = s.id;
      bufferedBytes -= s.bytes;
      long id = s.id;
      for (Segment.Pending p : s.batches) {
        acks.add(() -> p.future().complete(id));
      }
    }
    if (!acks.isEmpty()) {
      space.signalAll();
    }
    return acks;
  }

  /**
   * Moves {@code s} and every segment issued after it back to the front of the issue queue: they
   * get fresh ids, and the copies already issued become orphans that replay ignores.
   */
  private void replace(Segment s) {
    ArrayDeque<Segment> moved = new ArrayDeque<>();
    Segment t;
    do {
      t = unacked.pollLast();
      t.attempt = null;
      t.landed = false;
      moved.addFirst(t);
    } while (t != s);
    chainTail = s.prevId;
    for (Iterator<Segment> it = moved.descendingIterator(); it.hasNext(); ) {
      toIssue.addFirst(it.next());
    }
  }

  private List<Runnable> fail(RuntimeException cause) {
    if (failure == null) {
      failure = cause;
    }
    RuntimeException reason = failure;
    List<Segment.Pending> doomed = new ArrayList<>();
    for (Segment s : unacked) {
      doomed.addAll(s.batches);
    }
    for (Segment s : toIssue) {
      doomed.addAll(s.batches);
    }
    doomed.addAll(pending);
    List<Runnable> failures = new ArrayList<>();
    for (Segment.Pending p : doomed) {
      failures.add(() -> p.future().completeExceptionally(reason));
    }
    pending.clear();
    unacked.clear();
    toIssue.clear();
    pendingBytes = 0;
    bufferedBytes = 0;
    cancelTimer();
    space.signalAll();
    return failures;
  }
}
