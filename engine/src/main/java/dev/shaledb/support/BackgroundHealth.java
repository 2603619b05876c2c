package dev.shaledb.support;

import static java.util.Objects.requireNonNull;

import dev.shaledb.DbListener;
import dev.shaledb.DbStats;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * The failures of a process's background retry loops (flushes, compaction, manifest polls, GC
 * runs), where an operator and the application can see them: each failure is counted, remembered as
 * the last one (for {@link DbStats}), told to {@link DbListener#onBackgroundError}, logged at DEBUG
 * with its stack trace, and logged at WARN as one line with the context and the cause — at most
 * once per 30 seconds per task, saying how many were suppressed meanwhile. A loop that retries
 * every 500 ms would otherwise print a stack trace twice a second while writes quietly stall.
 * Thread-safe.
 */
public final class BackgroundHealth {
  private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final DbListener listener;
  private final Map<DbListener.BackgroundTask, Limiter> limiters =
      new EnumMap<>(DbListener.BackgroundTask.class);
  private final LongAdder failures = new LongAdder();
  private volatile String lastError;

  private static final class Limiter {
    final AtomicLong lastWarnAt = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong suppressed = new AtomicLong();
  }

  public BackgroundHealth(DbListener listener) {
    this.listener = requireNonNull(listener, "listener is null");
    for (DbListener.BackgroundTask task : DbListener.BackgroundTask.values()) {
      limiters.put(task, new Limiter());
    }
  }

  /** Records that background {@code task} failed with {@code cause} while doing {@code what}. */
  public void failed(DbListener.BackgroundTask task, Logger log, String what, Throwable cause) {
    // The listener first and the count after it, so stats never show a failure the listener has
    // not heard of (logging can block, e.g. while the logging backend starts).
    RuntimeException listenerFailure = null;
    try {
      listener.onBackgroundError(task, cause);
    } catch (RuntimeException thrown) {
      listenerFailure = thrown;
    }
    lastError = task.name().toLowerCase(java.util.Locale.ROOT) + ": " + what + ": " + cause;
    failures.increment();
    log.debug("{}", what, cause);
    if (listenerFailure != null) {
      log.debug("DbListener.onBackgroundError threw; ignored", listenerFailure);
    }
    Limiter limiter = limiters.get(task);
    long now = System.nanoTime();
    long last = limiter.lastWarnAt.get();
    if ((last != Long.MIN_VALUE && now - last < WARN_INTERVAL_NANOS)
        || !limiter.lastWarnAt.compareAndSet(last, now)) {
      limiter.suppressed.incrementAndGet();
      return;
    }
    long more = limiter.suppressed.getAndSet(0);
    if (more > 0) {
      log.warn("{}: {} ({} more since the last report)", what, cause.toString(), more);
    } else {
      log.warn("{}: {}", what, cause.toString());
    }
  }

  /** Background failures so far. */
  public long failures() {
    return failures.sum();
  }

  /** The last background failure as "task: what: cause", or null if none. */
  public String lastError() {
    return lastError;
  }
}
