package dev.shaledb.chaos;

/**
 * A mergeable latency histogram with 5% wide logarithmic buckets (the object-store module's {@code
 * LatencyHistogram} cannot be merged, and a report adds up thousands of runs). Not thread-safe; a
 * {@link Tally} guards it.
 */
final class Histogram {
  private static final double BASE = Math.log(1.05);
  private static final int BUCKETS = 700;
  private final long[] counts = new long[BUCKETS];
  private long total;

  void record(long nanos) {
    counts[index(nanos)]++;
    total++;
  }

  void merge(Histogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
  }

  long count() {
    return total;
  }

  /** The upper bound of the bucket holding quantile {@code q}, in nanoseconds; 0 if empty. */
  long quantileNanos(double q) {
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= Math.max(1, rank)) {
        return (long) Math.exp((i + 1) * BASE);
      }
    }
    return (long) Math.exp(BUCKETS * BASE);
  }

  private static int index(long nanos) {
    if (nanos <= 1) {
      return 0;
    }
    return (int) Math.min(BUCKETS - 1, Math.log(nanos) / BASE);
  }
}
