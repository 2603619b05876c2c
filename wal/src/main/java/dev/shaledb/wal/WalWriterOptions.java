package dev.shaledb.wal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Tuning of a {@link WalWriter}.
 *
 * <p>Part of ShaleDB's public API, through {@code DbOptions.walOptions}: kept source-compatible
 * across minor releases like the types of {@code dev.shaledb}. The rest of this package is not API.
 *
 * @param maxObjectBytes the size at which the writer cuts a WAL object; a single larger batch still
 *     goes alone in one object (a batch is never split)
 * @param maxInFlight how many WAL puts may be in flight at once (K). With 1, every round trip
 *     carries everything that accumulated during the previous one, and a write that arrives just
 *     after a put left waits for that put and the next: about two round trips under concurrency
 * @param maxBufferedBytes how many encoded bytes may wait or be in flight before {@link
 *     WalWriter#append} blocks (backpressure); at least {@code maxObjectBytes}
 * @param flushInterval how long a non-durable batch may wait for a durable one or a full object
 *     before it is uploaded anyway; null to wait for those (or {@link WalWriter#flush()})
 * @param scheduler runs the writer's completions and its flush timer; null for a private
 *     single-thread scheduler that {@link WalWriter#close()} shuts down
 * @param closeTimeout how long {@link WalWriter#close()} waits for pending uploads
 * @param overlapFraction when a put is already in flight, a second one starts only once the oldest
 *     waiting durable batch has waited this fraction of the recent median WAL PUT latency (0: at
 *     once, as soon as a slot is free). It bounds what concurrency costs: writes that arrive
 *     together while a put is in flight leave together in one more put, instead of each slot going
 *     to whatever arrived first. A full object never waits. At most 10
 */
public record WalWriterOptions(
    int maxObjectBytes,
    int maxInFlight,
    long maxBufferedBytes,
    Duration flushInterval,
    ScheduledExecutorService scheduler,
    Duration closeTimeout,
    double overlapFraction) {
  public WalWriterOptions {
    if (maxObjectBytes < WalObjectHeader.FENCE_OBJECT_SIZE + BatchCodec.FIXED_BYTES) {
      throw new IllegalArgumentException("maxObjectBytes is too small: " + maxObjectBytes);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight is not positive: " + maxInFlight);
    }
    if (maxBufferedBytes < maxObjectBytes) {
      throw new IllegalArgumentException(
          "maxBufferedBytes " + maxBufferedBytes + " is below maxObjectBytes " + maxObjectBytes);
    }
    if (flushInterval != null && (flushInterval.isNegative() || flushInterval.isZero())) {
      throw new IllegalArgumentException("flushInterval is not positive: " + flushInterval);
    }
    requireNonNull(closeTimeout, "closeTimeout is null");
    if (closeTimeout.isNegative()) {
      throw new IllegalArgumentException("closeTimeout is negative: " + closeTimeout);
    }
    if (!(overlapFraction >= 0 && overlapFraction <= 10)) {
      throw new IllegalArgumentException("overlapFraction is not in [0, 10]: " + overlapFraction);
    }
  }

  /**
   * Options without {@code overlapFraction}: puts beyond the first start as soon as a slot is free.
   */
  public WalWriterOptions(
      int maxObjectBytes,
      int maxInFlight,
      long maxBufferedBytes,
      Duration flushInterval,
      ScheduledExecutorService scheduler,
      Duration closeTimeout) {
    this(maxObjectBytes, maxInFlight, maxBufferedBytes, flushInterval, scheduler, closeTimeout, 0);
  }

  /**
   * 4 MiB objects; up to three puts in flight, each beyond the first once a durable batch has
   * waited a quarter of the PUT latency (docs/benchmarks.md, "Durable latency under concurrency":
   * at 8 and 64 blocking writers on simulated S3 this holds the median at 1.47x the PUT for 1.8x
   * the PUTs of one in flight); 64 MiB of buffer, non-durable batches uploaded within 100 ms, a
   * private scheduler, 30 s to close.
   */
  public static WalWriterOptions defaults() {
    return new WalWriterOptions(
        4 << 20, 3, 64L << 20, Duration.ofMillis(100), null, Duration.ofSeconds(30), 0.25);
  }

  public WalWriterOptions withMaxObjectBytes(int value) {
    return new WalWriterOptions(
        value,
        maxInFlight,
        Math.max(maxBufferedBytes, value),
        flushInterval,
        scheduler,
        closeTimeout,
        overlapFraction);
  }

  public WalWriterOptions withMaxInFlight(int value) {
    return new WalWriterOptions(
        maxObjectBytes,
        value,
        maxBufferedBytes,
        flushInterval,
        scheduler,
        closeTimeout,
        overlapFraction);
  }

  public WalWriterOptions withMaxBufferedBytes(long value) {
    return new WalWriterOptions(
        maxObjectBytes,
        maxInFlight,
        value,
        flushInterval,
        scheduler,
        closeTimeout,
        overlapFraction);
  }

  public WalWriterOptions withFlushInterval(Duration value) {
    return new WalWriterOptions(
        maxObjectBytes,
        maxInFlight,
        maxBufferedBytes,
        value,
        scheduler,
        closeTimeout,
        overlapFraction);
  }

  public WalWriterOptions withScheduler(ScheduledExecutorService value) {
    return new WalWriterOptions(
        maxObjectBytes,
        maxInFlight,
        maxBufferedBytes,
        flushInterval,
        value,
        closeTimeout,
        overlapFraction);
  }

  public WalWriterOptions withCloseTimeout(Duration value) {
    return new WalWriterOptions(
        maxObjectBytes,
        maxInFlight,
        maxBufferedBytes,
        flushInterval,
        scheduler,
        value,
        overlapFraction);
  }

  public WalWriterOptions withOverlapFraction(double value) {
    return new WalWriterOptions(
        maxObjectBytes,
        maxInFlight,
        maxBufferedBytes,
        flushInterval,
        scheduler,
        closeTimeout,
        value);
  }
}
