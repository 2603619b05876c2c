package dev.shaledb.wal;

import java.util.Arrays;

/**
 * The median of the last few WAL put latencies, which times when a second put may overlap the one
 * in flight ({@link WalWriterOptions#overlapFraction()}). A median, not a mean: one slow put in a
 * hundred (S3's tail) must not make every later write wait longer. Only timing depends on it, never
 * what is acknowledged. Guarded by the writer's lock.
 */
final class PutLatency {
  private static final int SAMPLES = 16;

  private final long[] samples = new long[SAMPLES];
  private int count;
  private int next;
  private long median;

  /** Records one put that took {@code nanos} from start to a plain success. */
  void record(long nanos) {
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
}
