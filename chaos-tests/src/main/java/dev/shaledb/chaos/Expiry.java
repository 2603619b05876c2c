package dev.shaledb.chaos;

import java.util.List;

/**
 * The oracle's times to live, apart from {@link ExpectedState} which calls it under its lock: when
 * a write surely expired or may have for a reader's window of nows, and the counts of reads that
 * saw a value expire, that accepted either outcome, and of keys verified absent long after expiry.
 *
 * <p>A write's expiry window runs from the time at its begin tick to the time at its end tick, plus
 * the writer's skew and the TTL ({@link Write#expiresFrom}, {@link Write#expiresBy}). A read by a
 * clock with skew {@code s} takes its now between the time at its start tick and the time when it
 * is checked, plus {@code s}.
 */
final class Expiry {
  /** How long after a write surely expired by the base time every compactor may drop it. */
  private final long droppableAfter;

  private long expiredReads;
  private long ambiguousReads;
  private long droppedAtVerify;

  Expiry(long droppableAfter) {
    this.droppableAfter = droppableAfter;
  }

  /**
   * Counts a read of {@code writes}' key that passed: whether the newest write acknowledged before
   * it had surely expired for it (so it saw a value expire), and whether some write's expiry window
   * overlapped the read's (so either outcome was accepted).
   */
  void countRead(List<Write> writes, long start, long earliestNow, long latestNow) {
    Write newest = null;
    boolean ambiguous = false;
    for (Write w : writes) {
      if (w.acked && w.ackTick < start && (newest == null || w.invoke > newest.invoke)) {
        newest = w;
      }
      ambiguous |= w.mayHaveExpired(latestNow) && !w.surelyExpired(earliestNow);
    }
    if (newest != null && !newest.isDelete() && newest.surelyExpired(earliestNow)) {
      expiredReads++;
    }
    if (ambiguous) {
      ambiguousReads++;
    }
  }

  /**
   * Counts a key verified absent ({@code value} null) whose newest write acknowledged before tick
   * {@code now} had expired so long before {@code earliestTime} that every compactor may have
   * dropped it.
   */
  void countDroppable(List<Write> writes, byte[] value, long now, long earliestTime) {
    if (value != null) {
      return;
    }
    Write newest = null;
    for (Write w : writes) {
      if (w.acked && w.ackTick < now && (newest == null || w.invoke > newest.invoke)) {
        newest = w;
      }
    }
    if (newest != null
        && !newest.isDelete()
        && newest.expiresBy != Write.NEVER
        && newest.expiresBy < earliestTime - droppableAfter) {
      droppedAtVerify++;
    }
  }

  /** Counts of its own, with the same rule for what a compactor may drop. */
  Expiry fresh() {
    return new Expiry(droppableAfter);
  }

  long expiredReads() {
    return expiredReads;
  }

  long ambiguousReads() {
    return ambiguousReads;
  }

  long droppedAtVerify() {
    return droppedAtVerify;
  }

  /** Whether any of {@code writes} may have expired for a now up to {@code latestNow}. */
  static boolean mayHaveExpiredAny(List<Write> writes, long latestNow) {
    for (Write w : writes) {
      if (w.mayHaveExpired(latestNow)) {
        return true;
      }
    }
    return false;
  }

  /** An {@link ExpectedState.Violation#EXPIRED_VALUE} finding if {@code w} surely expired. */
  static ExpectedState.Finding expired(String key, Write w, long earliestNow) {
    if (!w.surelyExpired(earliestNow)) {
      return null;
    }
    return new ExpectedState.Finding(
        ExpectedState.Violation.EXPIRED_VALUE,
        key,
        "shows " + w + " to a reader whose now is " + earliestNow);
  }

  /** {@code a + b + c}, or {@link Write#NEVER} if that overflows. */
  static long saturatedSum(long a, long b, long c) {
    try {
      return Math.addExact(Math.addExact(a, b), c);
    } catch (ArithmeticException e) {
      return Write.NEVER;
    }
  }
}
