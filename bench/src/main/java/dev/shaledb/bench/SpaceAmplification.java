package dev.shaledb.bench;

/**
 * Space amplification sampled while a database is written (the {@code overwrite} and {@code ingest}
 * commands): stored bytes divided by live bytes at each sample, and the mean and maximum of the
 * samples. What counts as stored and as live is the caller's definition, documented with its
 * command. Not thread-safe: one thread samples.
 */
final class SpaceAmplification {
  private double sum;
  private double max;
  private int samples;

  /**
   * Records {@code stored / live} and returns it; NaN, and nothing recorded, while nothing lives.
   */
  double sample(long storedBytes, long liveBytes) {
    if (liveBytes <= 0) {
      return Double.NaN;
    }
    double amp = (double) storedBytes / liveBytes;
    sum += amp;
    max = Math.max(max, amp);
    samples++;
    return amp;
  }

  /** The mean of the samples, or NaN without any. */
  double mean() {
    return samples == 0 ? Double.NaN : sum / samples;
  }

  /** The largest sample, or NaN without any. */
  double max() {
    return samples == 0 ? Double.NaN : max;
  }

  int samples() {
    return samples;
  }
}
