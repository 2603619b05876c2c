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
 *     carries everything that accumulated during the previous one
 * @param maxBufferedBytes how many encoded bytes may wait or be in flight before {@link
 *     WalWriter#append} blocks (backpressure); at least {@code maxObjectBytes}
 * @param flushInterval how long a non-durable batch may wait for a durable one or a full object
 *     before it is uploaded anyway; null to wait for those (or {@link WalWriter#flush()})
 * @param scheduler runs the writer's completions and its flush timer; null for a private
 *     single-thread scheduler that {@link WalWriter#close()} shuts down
 * @param closeTimeout how long {@link WalWriter#close()} waits for pending uploads
 */
public record WalWriterOptions(
    int maxObjectBytes,
    int maxInFlight,
    long maxBufferedBytes,
    Duration flushInterval,
    ScheduledExecutorService scheduler,
    Duration closeTimeout) {
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
  }

  /**
   * 4 MiB objects, one put in flight, 64 MiB of buffer, non-durable batches uploaded within 100 ms,
   * a private scheduler, 30 s to close.
   */
  public static WalWriterOptions defaults() {
    return new WalWriterOptions(
        4 << 20, 1, 64L << 20, Duration.ofMillis(100), null, Duration.ofSeconds(30));
  }

  public WalWriterOptions withMaxObjectBytes(int value) {
    return new WalWriterOptions(
        value,
        maxInFlight,
        Math.max(maxBufferedBytes, value),
        flushInterval,
        scheduler,
        closeTimeout);
  }

  public WalWriterOptions withMaxInFlight(int value) {
    return new WalWriterOptions(
        maxObjectBytes, value, maxBufferedBytes, flushInterval, scheduler, closeTimeout);
  }

  public WalWriterOptions withMaxBufferedBytes(long value) {
    return new WalWriterOptions(
        maxObjectBytes, maxInFlight, value, flushInterval, scheduler, closeTimeout);
  }

  public WalWriterOptions withFlushInterval(Duration value) {
    return new WalWriterOptions(
        maxObjectBytes, maxInFlight, maxBufferedBytes, value, scheduler, closeTimeout);
  }

  public WalWriterOptions withScheduler(ScheduledExecutorService value) {
    return new WalWriterOptions(
        maxObjectBytes, maxInFlight, maxBufferedBytes, flushInterval, value, closeTimeout);
  }

  public WalWriterOptions withCloseTimeout(Duration value) {
    return new WalWriterOptions(
        maxObjectBytes, maxInFlight, maxBufferedBytes, flushInterval, scheduler, value);
  }
}
