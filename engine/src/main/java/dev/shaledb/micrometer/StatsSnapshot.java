package dev.shaledb.micrometer;

import static java.util.Objects.requireNonNull;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One statistics record shared by all the meters of a binder for a short while: a registry reads
 * every meter at each publish, and each {@code stats()} call walks the engine's counters, so the
 * meters of one publish read one snapshot instead of taking one each. After the source is closed
 * (its {@code stats()} throws) the last snapshot stays, so a closed database's meters keep their
 * final values instead of failing the publish. Thread-safe.
 *
 * @param <S> the statistics record
 */
final class StatsSnapshot<S> {
  private final Supplier<S> source;
  private final LongSupplier nanoTime;
  private final long maxAgeNanos;
  private S last;
  private long takenAt;
  private boolean taken;

  StatsSnapshot(Supplier<S> source, LongSupplier nanoTime, long maxAgeNanos) {
    this.source = requireNonNull(source, "source is null");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    this.maxAgeNanos = maxAgeNanos;
  }

  /** The current snapshot, taken anew if older than the maximum age; null if none could be. */
  synchronized S get() {
    long now = nanoTime.getAsLong();
    if (!taken || now - takenAt >= maxAgeNanos) {
      try {
        last = source.get();
      } catch (RuntimeException closedOrFailing) {
        // Keep the last values; a meter must never fail a publish.
      }
      takenAt = now;
      taken = true;
    }
    return last;
  }
}
