package dev.shaledb;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs the failures of one retry loop (a flush, a compaction, a poll, a GC run) as an operator
 * wants them: one WARN line with the context and the cause's message, at most once per interval,
 * saying how many more happened meanwhile; the stack trace at DEBUG every time. A loop that retries
 * every 500 ms would otherwise print a stack trace twice a second. Thread-safe.
 */
final class RateLimitedLog {
  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Logger log;
  private final AtomicLong lastWarnAt = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  RateLimitedLog(Logger log) {
    this.log = log;
  }

  /** Logs that {@code what} failed with {@code cause}, rate-limited at WARN. */
  void warn(String what, Throwable cause) {
    log.debug("{}", what, cause);
    long now = System.nanoTime();
    long last = lastWarnAt.get();
    if (last != Long.MIN_VALUE && now - last < INTERVAL_NANOS) {
      suppressed.incrementAndGet();
      return;
    }
    if (!lastWarnAt.compareAndSet(last, now)) {
      suppressed.incrementAndGet();
      return;
    }
    long more = suppressed.getAndSet(0);
    if (more > 0) {
      log.warn("{}: {} ({} more since the last report)", what, cause.toString(), more);
    } else {
      log.warn("{}: {}", what, cause.toString());
    }
  }
}
