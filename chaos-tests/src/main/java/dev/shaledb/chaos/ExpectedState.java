package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The expected-state oracle: what every key may hold after any crash, given what the harness saw.
 *
 * <p>Every write is recorded with two ticks of one logical clock: {@link #begin} before the call is
 * made and {@link #end} after it returned (or the process died). A write is <em>acknowledged</em>
 * once the database promised durability: a durable write that returned normally, or a non-durable
 * one that returned before a later durable write or flush of the same process returned ({@link
 * #durableBefore}), because the WAL is replayed as a prefix. A key may then hold the value of write
 * {@code v} (a delete: absence) only if no acknowledged write of that key began after {@code v}
 * returned. That single rule accepts the last acknowledged value and every write in flight or
 * failed ambiguously since, and rejects older values (a lost acknowledged write), a value nobody
 * wrote (phantom) and a put overwritten by an acknowledged delete (resurrection). The initial
 * absence is a write that returned at tick 0.
 *
 * <p>Reads are checked the same way against the acknowledgements made before the read began: a read
 * returning something older is <em>stale</em>. A durable-only read is checked the same way and is
 * also a promise: what it returned is durable, so its write (and every write of that process that
 * returned before it began, the WAL being a prefix) is from then on held to that like an
 * acknowledged one; a recovery missing it is {@link Violation#NOT_DURABLE}. A held iterator must
 * also show no write begun after it was opened. Thread-safe (one lock); the harness records from
 * several threads.
 *
 * <p><b>Merges.</b> A merge is a write that does not replace the key's value but extends it; the
 * harness's operator ({@link ChaosMerge}) makes a merged value name its base put (or none) and its
 * operands in order. Such a value is accepted only if it names writes of this key (no operand
 * twice, none out of write order, none before its base) and every write acknowledged before the
 * read began is either in it or could precede its base (began before the base returned; with no
 * base, before some delete that could precede the first operand, or it is the initial absence).
 * Otherwise a merge is a write like a put: an acknowledged one makes older values stale and absence
 * wrong.
 *
 * <p><b>Times to live.</b> A put or merge may carry a TTL; the engine stamps it with the writer's
 * clock during the call, so its expiry lies in a window: the logical time ({@link ChaosTime}, read
 * through the supplier given to the constructor) at its begin tick and at its end tick, plus the
 * writer's skew and the TTL. A read by a clock with skew {@code s} takes its now between the time
 * at its start tick and the time when it is checked, plus {@code s}. A write whose whole expiry
 * window lies at or before the read's earliest now has surely expired: it is then a delete at its
 * place in the history, so its value (as a value, a base or an operand) is {@link
 * Violation#EXPIRED_VALUE} and absence is right if it is the newest. One whose window reaches the
 * read's latest now may have expired: absence is accepted as for a delete that could be the newest,
 * and its value too. Both windows are points when no other thread moved the time during the calls,
 * so the oracle is exact then and accepts both outcomes only where the clock reading was genuinely
 * unknown.
 *
 * <p>The parts: {@link Write} (one recorded write), {@link WriteHistory} (the record and its
 * promises), {@link OracleClock} (ticks and the time at them), {@link PlainValues} and {@link
 * MergedValues} (the rules), {@link Expiry} (times to live and their counts). This class holds the
 * lock and says which rule applies to which question.
 */
public final class ExpectedState {
  /** Tick of a write whose call has not returned. */
  static final long OPEN = Write.OPEN;

  /** The expiry of a write without a time to live. */
  static final long NEVER = Write.NEVER;

  /** The kinds of broken promise {@link #verify} and {@link #checkRead} report. */
  public enum Violation {
    LOST_ACKED_WRITE,
    RESURRECTED_DELETE,
    PHANTOM_VALUE,
    STALE_READ,
    /** A write a durable-only read returned (so promised durable) is missing after recovery. */
    NOT_DURABLE,
    /** An iterator showed a write begun after it was opened. */
    LATER_WRITE_SEEN,
    /** A read showed a put or merge whose expiry had surely passed by the reader's clock. */
    EXPIRED_VALUE
  }

  /** One failed check, with enough to understand it. */
  public record Finding(Violation violation, String key, String detail) {
    public Finding {
      requireNonNull(violation, "violation is null");
      requireNonNull(key, "key is null");
      requireNonNull(detail, "detail is null");
    }
  }

  /** How a write call ended. */
  public enum Outcome {
    /** A durable write returned normally. */
    DURABLE,
    /** A non-durable write returned normally: in memory, not yet promised. */
    ACCEPTED,
    /** The call failed: it may or may not have been applied. */
    FAILED
  }

  private final OracleClock clock;
  private final WriteHistory history;
  private final Expiry expiry;

  /** An oracle whose time stands still at 0: writes with a TTL do not expire. */
  public ExpectedState() {
    this(() -> 0, NEVER);
  }

  /**
   * An oracle whose times to live count in {@code time} (milliseconds, never decreasing); {@code
   * droppableAfter} is how long after its expiry by the shared time any compactor may have dropped
   * a value (expiry grace plus the largest skew), for the report only.
   */
  public ExpectedState(LongSupplier time, long droppableAfter) {
    this.clock = new OracleClock(time);
    this.history = new WriteHistory(clock);
    this.expiry = new Expiry(droppableAfter);
  }

  private ExpectedState(OracleClock clock, WriteHistory history, Expiry expiry) {
    this.clock = clock;
    this.history = history;
    this.expiry = expiry;
  }

  /**
   * The oracle of a clone of this database made by process {@code cloner} in a call begun at tick
   * {@code began} (taken with {@link #tick()}) and ended now: see {@link
   * WriteHistory#forkForClone}. Writes and checks on either oracle never reach the other; its
   * expiry counts start at 0.
   */
  public synchronized ExpectedState forkForClone(long began, int cloner) {
    OracleClock forked = new OracleClock(clock);
    return new ExpectedState(forked, history.forkForClone(forked, began, cloner), expiry.fresh());
  }

  /** The current tick; strictly increasing. */
  public synchronized long tick() {
    return clock.next();
  }

  /** Records a put of the value with token {@code id} to {@code key}, about to be sent. */
  public synchronized Write beginPut(int process, String key, String id) {
    return beginPut(process, key, id, 0, 0);
  }

  /**
   * Records a put with a time to live of {@code ttlMillis} (0 for none) by a writer whose clock is
   * {@code skewMillis} off the shared time.
   */
  public synchronized Write beginPut(
      int process, String key, String id, long ttlMillis, long skewMillis) {
    requireNonNull(id, "id is null");
    return history.begin(process, key, id, false, ttlMillis, skewMillis);
  }

  /** Records a merge of the operand with token {@code id} into {@code key}, about to be sent. */
  public synchronized Write beginMerge(int process, String key, String id) {
    return beginMerge(process, key, id, 0, 0);
  }

  /** As {@link #beginPut(int, String, String, long, long)}, for a merge. */
  public synchronized Write beginMerge(
      int process, String key, String id, long ttlMillis, long skewMillis) {
    requireNonNull(id, "id is null");
    return history.begin(process, key, id, true, ttlMillis, skewMillis);
  }

  /** Records a delete of {@code key}, about to be sent. */
  public synchronized Write beginDelete(int process, String key) {
    return history.begin(process, key, null, false, 0, 0);
  }

  /** Records how {@code writes} (one call: a single write or a batch) ended. */
  public synchronized void end(List<Write> writes, Outcome outcome) {
    history.end(writes, outcome);
  }

  /**
   * A durable write or flush of {@code process} that began at tick {@code began} returned normally:
   * every write of the process accepted before that is acknowledged too.
   */
  public synchronized void durableBefore(int process, long began) {
    history.durableBefore(process, began);
  }

  /** {@code process} died: calls it never returned end now, unacknowledged. */
  public synchronized void crashed(int process) {
    history.crashed(process);
  }

  /**
   * The threshold for a read of {@code key} beginning now: the current tick, before which the
   * writes the read must reflect were acknowledged. Pass it to {@link #checkRead}.
   */
  public synchronized long readStart(String key) {
    return clock.next();
  }

  /** Checks what a read of {@code key} begun at tick {@code start} returned; null if fine. */
  public synchronized Finding checkRead(String key, byte[] value, long start) {
    return checkRead(key, value, start, 0);
  }

  /**
   * Checks what a read of {@code key} begun at tick {@code start} by a clock {@code skewMillis} off
   * the shared time returned; null if fine. The read took its now between the start and this call.
   */
  public synchronized Finding checkRead(String key, byte[] value, long start, long skewMillis) {
    long earliestNow = clock.timeAt(start) + skewMillis;
    long latestNow = clock.now() + skewMillis;
    long threshold = history.latestAckedInvoke(key, start);
    Finding f = judge(key, value, threshold, start, earliestNow, latestNow);
    if (f == null) {
      expiry.countRead(history.of(key), start, earliestNow, latestNow);
      return null;
    }
    return f.violation() == Violation.PHANTOM_VALUE || f.violation() == Violation.EXPIRED_VALUE
        ? f
        : new Finding(Violation.STALE_READ, key, f.detail());
  }

  /** Reads (and verified keys) that passed although their newest acknowledged write had expired. */
  public synchronized long expiredReads() {
    return expiry.expiredReads();
  }

  /** Reads (and verified keys) for which a write's expiry window overlapped the read's now. */
  public synchronized long ambiguousExpiryReads() {
    return expiry.ambiguousReads();
  }

  /**
   * Keys verified absent whose newest acknowledged write had expired so long before that every
   * compactor may have dropped it.
   */
  public synchronized long droppableAtVerify() {
    return expiry.droppedAtVerify();
  }

  /**
   * Checks what a durable-only read of {@code key} by {@code process} returned, begun after {@code
   * threshold} was taken; null if it is fine. A value it returns is durable: its write becomes
   * acknowledged (promised), and so does every write of the same process accepted before that write
   * began.
   */
  public synchronized Finding checkDurableRead(
      int process, String key, byte[] value, long threshold) {
    return checkDurableRead(process, key, value, threshold, 0);
  }

  /** As {@link #checkDurableRead(int, String, byte[], long)}, by a clock with this skew. */
  public synchronized Finding checkDurableRead(
      int process, String key, byte[] value, long threshold, long skewMillis) {
    Finding f = checkRead(key, value, threshold, skewMillis);
    if (f != null || value == null) {
      return f;
    }
    history.promise(process, value);
    return null;
  }

  /**
   * Checks what an iterator returned for {@code key}: as a read begun when {@code threshold} was
   * taken, and showing no write begun after tick {@code openedAt} (taken once the iterator, or the
   * snapshot it reads at, was created). Null if it is fine.
   */
  public synchronized Finding checkHeld(String key, byte[] value, long start, long openedAt) {
    return checkHeld(key, value, start, openedAt, 0);
  }

  /**
   * As {@link #checkHeld(String, byte[], long, long)}, by a clock with this skew. An iterator takes
   * its now when created, which is within the window of the read check (from its start to now).
   */
  public synchronized Finding checkHeld(
      String key, byte[] value, long start, long openedAt, long skewMillis) {
    Finding f = checkRead(key, value, start, skewMillis);
    if (f != null) {
      return f;
    }
    if (value != null) {
      for (Write w : history.writesIn(value)) {
        if (w.invoke >= openedAt) {
          return new Finding(
              Violation.LATER_WRITE_SEEN, key, "shows " + w + ", opened at tick " + openedAt);
        }
      }
      return null;
    }
    long threshold = history.latestAckedInvoke(key, start);
    if (threshold == 0) {
      return null; // absent from the start: nothing acknowledged had to be seen
    }
    long latestNow = clock.now() + skewMillis;
    for (Write w : history.of(key)) {
      if (w.mayDelete(latestNow) && w.ret >= threshold && w.invoke < openedAt) {
        return null;
      }
    }
    return new Finding(
        Violation.LATER_WRITE_SEEN,
        key,
        "absent, but the only deletes that allow it began after it opened at tick " + openedAt);
  }

  /**
   * Checks a recovered database whose full contents are {@code actual} (key to value). Afterwards
   * every key's history is replaced by what it holds, acknowledged, so the next cycle starts from
   * the observed state (except where that state depended on the verifier's clock, see {@link
   * WriteHistory#rebase}).
   */
  public synchronized List<Finding> verify(Map<String, byte[]> actual) {
    return verify(actual, clock.next(), 0);
  }

  /**
   * As {@link #verify(Map)}, for contents read from tick {@code start} on by a clock {@code
   * skewMillis} off the shared time.
   */
  public synchronized List<Finding> verify(
      Map<String, byte[]> actual, long start, long skewMillis) {
    List<Finding> findings = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(history.keys());
    keys.addAll(actual.keySet());
    long now = clock.next();
    long earliestNow = clock.timeAt(start) + skewMillis;
    long latestNow = clock.lastTime() + skewMillis;
    for (String key : keys) {
      byte[] value = actual.get(key);
      Finding f =
          judge(key, value, history.latestAckedInvoke(key, now), now, earliestNow, latestNow);
      if (f != null) {
        findings.add(f);
      } else {
        expiry.countRead(history.of(key), now, earliestNow, latestNow);
        expiry.countDroppable(history.of(key), value, now, clock.timeAt(start));
      }
    }
    if (findings.isEmpty()) {
      history.rebase(actual, keys, latestNow);
    }
    return findings;
  }

  /** Writes recorded so far, for the report. */
  public synchronized int keys() {
    return history.keys().size();
  }

  private Finding judge(
      String key, byte[] value, long threshold, long start, long earliestNow, long latestNow) {
    return PlainValues.judge(
        key, value, history.of(key), history.byId(), threshold, start, earliestNow, latestNow);
  }
}
