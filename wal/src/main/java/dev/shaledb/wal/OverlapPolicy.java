package dev.shaledb.wal;

import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * When {@link GroupCommit} may start a put while others are in flight: only once the oldest urgent
 * batch has waited {@link WalWriterOptions#overlapFraction()} of the median of the last {@value
 * #SAMPLES} put latencies, so writes that arrive together still leave together in one object. A
 * median, not a mean: one slow put in a hundred (S3's tail) must not make every later write wait
 * longer. A timer runs {@code wakeUp} when a wait is over.
 *
 * <p>Invariants: timing only. The policy decides when a put starts, never what a put holds or what
 * is acknowledged. At most one timer is armed. Guarded by the writer's lock, as {@link GroupCommit}
 * is.
 */
final class OverlapPolicy {
  private static final int SAMPLES = 16;

  private final double fraction;
  private final ScheduledExecutorService scheduler;
  private final Runnable wakeUp;
  private final LongSupplier nanoTime;
  private final long[] samples = new long[SAMPLES];
  private int count;
  private int next;
  private long median;
  // System.nanoTime() may be negative: "never" must be below any reading, not 0.
  private long urgentSince = Long.MIN_VALUE;
  private ScheduledFuture<?> timer;

  OverlapPolicy(
      double fraction, ScheduledExecutorService scheduler, Runnable wakeUp, LongSupplier nanoTime) {
    this.fraction = fraction;
    this.scheduler = scheduler;
    this.wakeUp = wakeUp;
    this.nanoTime = nanoTime;
  }

  /** Records one put that took {@code nanos} from start to a plain success. */
  void recordPut(long nanos) {
    samples[next] = Math.max(0, nanos);
    next = (next + 1) % SAMPLES;
    count = Math.min(count + 1, SAMPLES);
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    median = sorted[count / 2];
  }

  /** The median of the recorded latencies; 0 before the first. */
  long medianNanos() {
    return median;
  }

  /** The oldest waiting batch became urgent now (a timer made a lazy batch urgent). */
  void becameUrgent() {
    urgentSince = nanoTime.getAsLong();
  }

  /**
   * Whether an urgent batch appended at {@code appendedNanos} should wait before a put overlaps the
   * {@code inFlight} ones, arming the timer if so. {@code neverWait}: a full object or a closing
   * writer, which gain nothing by waiting for more batches.
   */
  boolean mustWait(int inFlight, boolean neverWait, long appendedNanos) {
    if (inFlight == 0 || neverWait || fraction == 0) {
      return false;
    }
    long now = nanoTime.getAsLong();
    long waitingSince = Math.max(urgentSince, appendedNanos);
    long left = (long) (fraction * median) - (now - waitingSince);
    if (left <= 0) {
      return false;
    }
    if (timer == null) {
      timer = scheduler.schedule(wakeUp, left, TimeUnit.NANOSECONDS);
    }
    return true;
  }

  /** The timer ran. */
  void timerFired() {
    timer = null;
  }

  /** Cancels the timer, if armed. */
  void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
