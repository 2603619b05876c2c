package dev.shaledb.objectstore;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free latency histogram with about 3% relative error: buckets are 32 linear steps per power
 * of two of nanoseconds, up to about 26 days. Small enough to keep one per request type.
 */
public final class LatencyHistogram {
  // Values below 64 ns get a bucket each; above, each power of two is split into 32 steps.
  private static final int STEPS = 32;
  private static final int MAX_EXPONENT = 45;
  private static final int BUCKETS = (MAX_EXPONENT + 2) * STEPS;
  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  public void record(long nanos) {
    counts.incrementAndGet(index(Math.max(0, nanos)));
  }

  static int index(long nanos) {
    if (nanos < 2 * STEPS) {
      return (int) nanos;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(nanos) - 5;
    if (exponent > MAX_EXPONENT) {
      return BUCKETS - 1;
    }
    return (exponent + 1) * STEPS + (int) (nanos >>> exponent) - STEPS;
  }

  /** The largest value that falls in bucket {@code index}, in nanoseconds. */
  static long upperBound(int index) {
    if (index < 2 * STEPS) {
      return index;
    }
    int exponent = index / STEPS - 1;
    long step = index % STEPS + STEPS;
    return ((step + 1) << exponent) - 1;
  }

  public long count() {
    long total = 0;
    for (int i = 0; i < counts.length(); i++) {
      total += counts.get(i);
    }
    return total;
  }

  /** The latency at quantile {@code q} (0..1) in nanoseconds, or 0 when nothing was recorded. */
  public long quantileNanos(double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile is not in [0, 1]: " + q);
    }
    long[] snapshot = new long[counts.length()];
    long total = 0;
    for (int i = 0; i < snapshot.length; i++) {
      snapshot[i] = counts.get(i);
      total += snapshot[i];
    }
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < snapshot.length; i++) {
      seen += snapshot[i];
      if (seen >= rank) {
        return upperBound(i);
      }
    }
    return upperBound(snapshot.length - 1);
  }
}
