package dev.shaledb.write;

import java.util.concurrent.TimeUnit;

/**
 * Paces writers under pressure to a byte rate that falls as the pressure rises: {@code drain × (1 -
 * pressure)}, where {@code drain} is the rate the flusher last freed memory at and {@code pressure}
 * is how far memory or L0 is between its slowdown point (0) and its stop (1). Writers share one
 * schedule, so the rate holds for all of them together, however many there are; each waits for its
 * slot. Writes that come in slower than the rate do not wait at all, so the slowdown grows with the
 * backlog instead of stepping from nothing to a fixed per-write delay.
 *
 * <p>Invariants: no write waits longer than {@link #MAX_WAIT_NANOS} here (a longer schedule is cut
 * back, so a burst cannot queue writers for seconds; the memory limit is what finally holds them);
 * the rate is never below {@link #MIN_BYTES_PER_SECOND}; only timing depends on the pacer, never
 * what is written. Thread-safe.
 */
final class WritePacer {
  /** The longest a single write waits for its slot. */
  static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** A floor under the rate, so that a stale or tiny drain estimate cannot starve writers. */
  static final double MIN_BYTES_PER_SECOND = 1 << 20;

  /** The drain assumed before the first flush is measured: 16 MiB/s. */
  static final double INITIAL_DRAIN_BYTES_PER_SECOND = 16 << 20;

  private double drainBytesPerSecond = INITIAL_DRAIN_BYTES_PER_SECOND;
  private long nextSlotNanos = Long.MIN_VALUE;

  /** A flush freed {@code bytes} of memtables in {@code nanos}: the rate writers can keep up. */
  synchronized void drained(long bytes, long nanos) {
    if (bytes <= 0 || nanos <= 0) {
      return;
    }
    double rate = bytes * 1e9 / nanos;
    // Smoothed, so one fast or slow flush moves the rate by a quarter of the difference.
    drainBytesPerSecond = Math.max(MIN_BYTES_PER_SECOND, 0.75 * drainBytesPerSecond + 0.25 * rate);
  }

  synchronized double drainBytesPerSecond() {
    return drainBytesPerSecond;
  }

  /**
   * Takes the next slot for a write of {@code bytes} at {@code pressure} (0 to 1) and returns how
   * long the writer must wait for it, from {@code now}.
   */
  synchronized long reserve(long bytes, double pressure, long now) {
    double p = Math.min(1, Math.max(0, pressure));
    double rate = Math.max(MIN_BYTES_PER_SECOND, drainBytesPerSecond * (1 - p));
    long cost = (long) (Math.max(1, bytes) * 1e9 / rate);
    long slot = Math.max(now, nextSlotNanos);
    if (slot - now > MAX_WAIT_NANOS) {
      slot = now + MAX_WAIT_NANOS;
    }
    nextSlotNanos = slot + cost;
    return slot - now;
  }
}
