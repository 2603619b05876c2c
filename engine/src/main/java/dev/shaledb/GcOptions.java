package dev.shaledb;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How garbage collection behaves; see docs/gc.md. Immutable; make one with {@link #builder()} or
 * take {@link #defaults()}.
 *
 * @param minAge the grace period (default 15 minutes): a manifest version superseded less than this
 *     long ago stays live together with its tables and WAL objects, and an unreferenced table is
 *     deleted only once it is older than this. Safety does not rest on it (docs/gc.md): a reader
 *     still using a superseded version past it gets {@code SnapshotTooOldException} (a scan resumes
 *     on newer tables), and a flush or compaction stalled past it between upload and publish is
 *     refused by the table floor and redone. So set it above how long readers keep a version and
 *     how long an upload takes to publish, to avoid those errors and redos. Measured with the
 *     object store's clock. {@link Duration#ZERO} suits only moments when no writer, compactor or
 *     reader is active (tests, offline tools)
 * @param interval the pause between periodic runs (default 1 minute); {@link Duration#ZERO}
 *     disables periodic collection, leaving only runs on demand
 */
public record GcOptions(Duration minAge, Duration interval) {
  private static final GcOptions DEFAULTS =
      new GcOptions(Duration.ofMinutes(15), Duration.ofMinutes(1));

  public GcOptions {
    requireNonNull(minAge, "minAge is null");
    requireNonNull(interval, "interval is null");
    if (minAge.isNegative()) {
      throw new IllegalArgumentException("minAge is negative: " + minAge);
    }
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval is negative: " + interval);
    }
  }

  /** The documented defaults. */
  public static GcOptions defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Whether periodic collection is enabled. */
  public boolean periodic() {
    return !interval.isZero();
  }

  /** Makes {@link GcOptions}; every setter documents its default on the record. */
  public static final class Builder {
    private Duration minAge;
    private Duration interval;

    private Builder(GcOptions from) {
      this.minAge = from.minAge;
      this.interval = from.interval;
    }

    public Builder minAge(Duration value) {
      this.minAge = value;
      return this;
    }

    public Builder interval(Duration value) {
      this.interval = value;
      return this;
    }

    public GcOptions build() {
      return new GcOptions(minAge, interval);
    }
  }
}
