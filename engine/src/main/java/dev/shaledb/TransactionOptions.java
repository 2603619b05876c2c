package dev.shaledb;

import static java.util.Objects.requireNonNull;

/**
 * How a {@link Transaction} is isolated and how much it remembers of what it read.
 *
 * @param isolation what the commit is checked for (default {@link IsolationLevel#SNAPSHOT})
 * @param maxTrackedReads under {@link IsolationLevel#SERIALIZABLE}, the most keys read by point
 *     reads that are remembered one by one (default 100,000); past it they are remembered as the
 *     one range from the smallest to the largest, which bounds memory and may make the commit fail
 *     where a precise record would not
 */
public record TransactionOptions(IsolationLevel isolation, int maxTrackedReads) {
  public static final int DEFAULT_MAX_TRACKED_READS = 100_000;

  public TransactionOptions {
    requireNonNull(isolation, "isolation is null");
    if (maxTrackedReads < 1) {
      throw new IllegalArgumentException("maxTrackedReads is below 1: " + maxTrackedReads);
    }
  }

  /** Snapshot isolation, the default. */
  public static TransactionOptions snapshotIsolation() {
    return new TransactionOptions(IsolationLevel.SNAPSHOT, DEFAULT_MAX_TRACKED_READS);
  }

  /** Serializable isolation. */
  public static TransactionOptions serializable() {
    return new TransactionOptions(IsolationLevel.SERIALIZABLE, DEFAULT_MAX_TRACKED_READS);
  }

  public TransactionOptions withMaxTrackedReads(int value) {
    return new TransactionOptions(isolation, value);
  }
}
