package dev.shaledb.chaos;

import static dev.shaledb.chaos.Causes.causedBy;
import static dev.shaledb.chaos.KeySpace.key;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.SnapshotTooOldException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Holds the reads of one workload's process to the {@link ExpectedState} and counts them in the
 * {@link Tally}: a value must pass the oracle's read check as of the read's start (a phantom value
 * counts as corrupt data returned, anything else as a stale read), a durable-only read is held to
 * durability from then on, a scan vouches for every key of its range, and a failed read is counted
 * by its cause. Read checks can be turned off for a fenced zombie, which legitimately reads its own
 * stale memory; reads are counted still. Not thread-safe, like the workload.
 */
final class ReadChecks {
  private final ExpectedState oracle;
  private final Tally tally;
  private final int process;
  private final long skew;
  private final ReadChecks sharedSwitch;
  private boolean enabled = true;

  /** The checks of reads by {@code process}, whose clock is {@code skewMillis} off the time. */
  ReadChecks(ExpectedState oracle, Tally tally, int process, long skewMillis) {
    this(oracle, tally, process, skewMillis, null);
  }

  private ReadChecks(
      ExpectedState oracle, Tally tally, int process, long skewMillis, ReadChecks sharedSwitch) {
    this.oracle = oracle;
    this.tally = tally;
    this.process = process;
    this.skew = skewMillis;
    this.sharedSwitch = sharedSwitch;
  }

  /**
   * The same checks for reads whose clock is {@code skewMillis} off the time (a {@code DbReader} of
   * the workload with a clock of its own); turned off with these.
   */
  ReadChecks withSkew(long skewMillis) {
    return new ReadChecks(oracle, tally, process, skewMillis, this);
  }

  /** The skew of the reading clock from the shared time, in milliseconds. */
  long skew() {
    return skew;
  }

  /** Turns the checks off for good (see {@link Workload#skipReadChecks}). */
  void skip() {
    enabled = false;
  }

  boolean enabled() {
    return enabled && (sharedSwitch == null || sharedSwitch.enabled());
  }

  /** Checks one read; {@code how} names the kind of read in a finding. */
  void check(String key, byte[] value, long threshold, String how) {
    tally.inc(Stat.READS);
    if (!enabled()) {
      return;
    }
    ExpectedState.Finding f = oracle.checkRead(key, value, threshold, skew);
    if (f != null) {
      report(f, how);
    }
  }

  /**
   * Checks a durable-only read: it must show every acknowledged write (as any read) and nothing
   * that a recovery would not, so what it returns is held to durability from then on.
   */
  void checkDurable(String key, byte[] value, long threshold) {
    if (!enabled()) {
      return;
    }
    tally.inc(Stat.DURABLE_READS);
    ExpectedState.Finding f = oracle.checkDurableRead(process, key, value, threshold, skew);
    if (f != null) {
      tally.inc(Stat.DURABLE_READS_WRONG);
      tally.finding("durable-only read by process " + process + ": " + f);
    }
  }

  /**
   * Checks a scan of {@code [key(from), key(to))} read in some {@link ScanShapes.Shape}: the keys
   * it read before a seek one by one, and the range it vouches for after it as a forward scan's.
   */
  void checkShaped(int from, int to, ScanShapes.Read read, long[] thresholds, String what) {
    String how = read.shape() == ScanShapes.Shape.FORWARD ? what : what + " " + read.shape();
    switch (read.shape()) {
      case FORWARD -> {}
      case REVERSE -> tally.inc(Stat.SCANS_REVERSE);
      case REVERSE_SEEK, REVERSE_FIRST -> {
        tally.inc(Stat.SCANS_REVERSE);
        tally.inc(Stat.SCANS_SEEKING);
      }
      default -> tally.inc(Stat.SCANS_SEEKING);
    }
    if (read.problem() != null) {
      tally.inc(Stat.SCANS_MISORDERED);
      tally.finding(how + " by process " + process + ": " + read.problem());
      return;
    }
    Map<String, byte[]> early = new LinkedHashMap<>(read.early());
    for (int i = from; i < to; i++) {
      if (early.containsKey(key(i))) {
        check(key(i), early.remove(key(i)), thresholds[i - from], how + " before its seek");
      }
    }
    reportStrays(early.keySet(), from, to, how);
    checkRange(read.from(), read.to(), new LinkedHashMap<>(read.seen()), thresholds, from, how);
  }

  /**
   * Checks that {@code seen} holds exactly the keys {@code [key(from), key(to))} may hold, with
   * {@code thresholds[i - base]} the threshold of key {@code i}.
   */
  private void checkRange(
      int from, int to, Map<String, byte[]> seen, long[] thresholds, int base, String what) {
    for (int i = from; i < to; i++) {
      check(key(i), seen.remove(key(i)), thresholds[i - base], what);
    }
    reportStrays(seen.keySet(), from, to, what);
  }

  /** Reports each of {@code strays}, keys a read of {@code [key(from), key(to))} returned. */
  private void reportStrays(Iterable<String> strays, int from, int to, String how) {
    for (String stray : strays) {
      report(
          new ExpectedState.Finding(
              ExpectedState.Violation.PHANTOM_VALUE,
              stray,
              "outside the range [" + key(from) + ", " + key(to) + ")"),
          how);
    }
  }

  private void report(ExpectedState.Finding f, String how) {
    if (f.violation() == ExpectedState.Violation.PHANTOM_VALUE) {
      tally.inc(Stat.CORRUPT_DATA_RETURNED);
    } else if (f.violation() == ExpectedState.Violation.EXPIRED_VALUE) {
      tally.inc(Stat.EXPIRED_VALUES_READ);
    } else {
      tally.inc(Stat.STALE_READS);
    }
    tally.finding(how + " by process " + process + ": " + f);
  }

  /** Counts a read that failed with {@code e}, by its cause. */
  void readFailed(RuntimeException e) {
    tally.inc(Stat.READ_ERRORS);
    if (causedBy(e, CorruptObjectException.class)) {
      tally.inc(Stat.CORRUPTION_SURFACED);
    }
    if (causedBy(e, SnapshotTooOldException.class)) {
      tally.inc(Stat.READS_TOO_OLD);
    }
  }
}
