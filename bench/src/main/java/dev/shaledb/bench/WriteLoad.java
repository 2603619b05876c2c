package dev.shaledb.bench;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What one engine's writers did in the timed window of the {@code ingest} command.
 *
 * @param engine the engine's name
 * @param threads writer threads
 * @param puts puts that returned
 * @param userBytes key and value bytes of those puts
 * @param nanos the window, from the writers' start until the last of them stopped
 * @param p50Nanos median put latency
 * @param p99Nanos 99th percentile put latency
 * @param longestPutNanos the longest single put
 * @param blockedNanos writer time spent inside puts that took at least {@link
 *     IngestLoad#BLOCKED_NANOS}: held back by something (backpressure, a JVM pause), since an
 *     unhindered put takes microseconds
 * @param intervals the user MB/s of each sampling interval
 */
record WriteLoad(
    String engine,
    int threads,
    long puts,
    long userBytes,
    long nanos,
    long p50Nanos,
    long p99Nanos,
    long longestPutNanos,
    long blockedNanos,
    List<Double> intervals) {
  WriteLoad {
    requireNonNull(engine, "engine is null");
    intervals = List.copyOf(intervals);
    if (threads < 1 || puts < 0 || userBytes < 0 || nanos <= 0) {
      throw new IllegalArgumentException(
          "need threads >= 1, puts and bytes >= 0, a positive window: "
              + threads
              + ", "
              + puts
              + ", "
              + userBytes
              + ", "
              + nanos);
    }
    // p99 is a histogram bucket's bound (at most 3 % high), the longest put one measurement
    if (longestPutNanos < p99Nanos / 2) {
      throw new IllegalArgumentException(
          "longest put " + longestPutNanos + " ns is far below p99 " + p99Nanos + " ns");
    }
    if (blockedNanos < 0 || blockedNanos > threads * nanos) {
      throw new IllegalArgumentException(
          "blocked " + blockedNanos + " ns is outside the writers' time " + threads * nanos);
    }
  }

  /** User data MB (10^6 bytes) per second over the window. */
  double mbPerSecond() {
    return userBytes / 1e6 / (nanos / 1e9);
  }

  /** The share of writer time spent in puts held back for {@link IngestLoad#BLOCKED_NANOS}. */
  double blockedPercent() {
    return 100.0 * blockedNanos / ((double) threads * nanos);
  }
}
