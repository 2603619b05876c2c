package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 */
public final class ExpectedState {
  /** Tick of a write whose call has not returned. */
  static final long OPEN = Long.MAX_VALUE;

  /** The expiry of a write without a time to live. */
  static final long NEVER = Long.MAX_VALUE;

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

  /** One write of one key; a batch records one per key, all begun before the call. */
  public static final class Write {
    final int process;
    final String key;
    final String id;
    final long invoke;
    final boolean merge;
    long ret = OPEN;
    boolean acked;

    /** The tick at which {@link #acked} became true. */
    long ackTick = OPEN;

    boolean accepted;

    /** Acknowledged only by a durable-only read's promise, not by a call that returned. */
    boolean promised;

    /** The time to live in milliseconds, 0 for none, and the writer's clock skew. */
    final long ttl;

    final long skew;

    /**
     * The earliest and latest expiry the writer's clock can have stamped ({@link #NEVER} for none):
     * the time at the begin tick and at the end tick, plus skew and TTL; the latest is {@link
     * #NEVER} while the call is open.
     */
    long expiresFrom = NEVER;

    long expiresBy = NEVER;

    private Write(
        int process, String key, String id, long invoke, boolean merge, long ttl, long skew) {
      this.process = process;
      this.key = key;
      this.id = id;
      this.invoke = invoke;
      this.merge = merge;
      this.ttl = ttl;
      this.skew = skew;
    }

    void ack(long tick) {
      if (!acked) {
        acked = true;
        ackTick = tick;
      }
    }

    boolean isDelete() {
      return id == null;
    }

    /** Whether this write has expired for every now from {@code earliestNow} on. */
    boolean surelyExpired(long earliestNow) {
      return expiresBy <= earliestNow;
    }

    /** Whether this write may have expired for a now up to {@code latestNow}. */
    boolean mayHaveExpired(long latestNow) {
      return expiresFrom <= latestNow;
    }

    /** Whether the write reads as a delete for some now in the window: a delete, or expiring. */
    boolean mayDelete(long latestNow) {
      return isDelete() || mayHaveExpired(latestNow);
    }

    private void returned(long tick, long time) {
      ret = tick;
      if (ttl > 0) {
        expiresBy = saturatedSum(time, skew, ttl);
      }
    }

    @Override
    public String toString() {
      return (id == null ? "delete" : (merge ? "merge " : "put ") + id)
          + "@p"
          + process
          + "["
          + invoke
          + ","
          + (ret == OPEN ? "open" : ret)
          + (promised ? ",promised" : acked ? ",acked" : "")
          + "]"
          + (ttl > 0 ? " expiring in [" + expiresFrom + "," + expiresBy + "]" : "");
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

  private final Map<String, List<Write>> history = new TreeMap<>();
  private final Map<String, Write> byId = new HashMap<>();
  private final Map<Integer, List<Write>> unpromised = new HashMap<>();
  private long clock;

  /** The logical time ({@link ChaosTime#now()}), and the times seen at ticks when it had moved. */
  private final LongSupplier time;

  private final TreeMap<Long, Long> timeAtTick = new TreeMap<>();
  private long lastTime;

  /** How long after a write surely expired by the base time every compactor may drop it. */
  private final long droppableAfter;

  private long expiredReads;
  private long ambiguousReads;
  private long droppedAtVerify;

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
    this.time = requireNonNull(time, "time is null");
    this.droppableAfter = droppableAfter;
    this.lastTime = time.getAsLong();
    timeAtTick.put(0L, lastTime);
  }

  /** The next tick, noting the time at it if the time moved since the last tick. */
  private long next() {
    long tick = ++clock;
    long now = time.getAsLong();
    if (now != lastTime) {
      lastTime = now;
      timeAtTick.put(tick, now);
    }
    return tick;
  }

  /** The time when {@code tick} was taken. */
  private long timeAt(long tick) {
    return timeAtTick.floorEntry(tick).getValue();
  }

  /** The current tick; strictly increasing. */
  public synchronized long tick() {
    return next();
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
    return begin(process, key, id, false, ttlMillis, skewMillis);
  }

  /** Records a merge of the operand with token {@code id} into {@code key}, about to be sent. */
  public synchronized Write beginMerge(int process, String key, String id) {
    return beginMerge(process, key, id, 0, 0);
  }

  /** As {@link #beginPut(int, String, String, long, long)}, for a merge. */
  public synchronized Write beginMerge(
      int process, String key, String id, long ttlMillis, long skewMillis) {
    requireNonNull(id, "id is null");
    return begin(process, key, id, true, ttlMillis, skewMillis);
  }

  /** Records a delete of {@code key}, about to be sent. */
  public synchronized Write beginDelete(int process, String key) {
    return begin(process, key, null, false, 0, 0);
  }

  private Write begin(int process, String key, String id, boolean merge, long ttl, long skew) {
    if (ttl < 0) {
      throw new IllegalArgumentException("ttl is negative: " + ttl);
    }
    Write w = new Write(process, key, id, next(), merge, ttl, skew);
    if (ttl > 0) {
      w.expiresFrom = saturatedSum(lastTime, skew, ttl);
    }
    history.computeIfAbsent(key, k -> new ArrayList<>()).add(w);
    if (id != null) {
      byId.put(id, w);
    }
    return w;
  }

  /** Records how {@code writes} (one call: a single write or a batch) ended. */
  public synchronized void end(List<Write> writes, Outcome outcome) {
    long now = next();
    for (Write w : writes) {
      w.returned(now, lastTime);
      if (outcome == Outcome.DURABLE) {
        w.ack(now);
      } else if (outcome == Outcome.ACCEPTED) {
        w.accepted = true;
        unpromised.computeIfAbsent(w.process, p -> new ArrayList<>()).add(w);
      }
    }
  }

  /**
   * A durable write or flush of {@code process} that began at tick {@code began} returned normally:
   * every write of the process accepted before that is acknowledged too.
   */
  public synchronized void durableBefore(int process, long began) {
    List<Write> pending = unpromised.get(process);
    if (pending == null) {
      return;
    }
    long now = next();
    pending.removeIf(
        w -> {
          if (w.ret < began) {
            w.ack(now);
            return true;
          }
          return false;
        });
  }

  /** {@code process} died: calls it never returned end now, unacknowledged. */
  public synchronized void crashed(int process) {
    long now = next();
    for (List<Write> writes : history.values()) {
      for (Write w : writes) {
        if (w.process == process && w.ret == OPEN) {
          w.returned(now, lastTime);
        }
      }
    }
    unpromised.remove(process);
  }

  /**
   * The threshold for a read of {@code key} beginning now: the current tick, before which the
   * writes the read must reflect were acknowledged. Pass it to {@link #checkRead}.
   */
  public synchronized long readStart(String key) {
    return next();
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
    long earliestNow = timeAt(start) + skewMillis;
    long latestNow = time.getAsLong() + skewMillis;
    long threshold = latestAckedInvoke(key, start);
    Finding f = judge(key, value, threshold, start, earliestNow, latestNow);
    if (f == null) {
      countExpiry(key, start, earliestNow, latestNow);
      return null;
    }
    return f.violation() == Violation.PHANTOM_VALUE || f.violation() == Violation.EXPIRED_VALUE
        ? f
        : new Finding(Violation.STALE_READ, key, f.detail());
  }

  /**
   * Counts a read that passed: whether the newest write acknowledged before it had surely expired
   * for it (so it saw a value expire), and whether some write's expiry window overlapped the read's
   * (so either outcome was accepted).
   */
  private void countExpiry(String key, long start, long earliestNow, long latestNow) {
    Write newest = null;
    boolean ambiguous = false;
    for (Write w : history.getOrDefault(key, List.of())) {
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

  /** Reads (and verified keys) that passed although their newest acknowledged write had expired. */
  public synchronized long expiredReads() {
    return expiredReads;
  }

  /** Reads (and verified keys) for which a write's expiry window overlapped the read's now. */
  public synchronized long ambiguousExpiryReads() {
    return ambiguousReads;
  }

  /**
   * Keys verified absent whose newest acknowledged write had expired so long before that every
   * compactor may have dropped it.
   */
  public synchronized long droppableAtVerify() {
    return droppedAtVerify;
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
    long now = next();
    for (Write w : writesIn(value)) {
      if (!w.acked) {
        w.ack(now);
        w.promised = true;
      }
      List<Write> pending = unpromised.get(w.process);
      if (pending != null && w.process == process) {
        pending.removeIf(
            earlier -> {
              if (earlier.ret < w.invoke) {
                earlier.ack(now);
                earlier.promised = true;
                return true;
              }
              return false;
            });
      }
    }
    return null;
  }

  /** The writes a value that passed {@link #judge} came from: one put, or a base and operands. */
  private List<Write> writesIn(byte[] value) {
    List<Write> out = new ArrayList<>();
    ChaosMerge.Merged m = ChaosMerge.decode(value);
    if (m == null) {
      out.add(byId.get(UniqueValues.decode(value).id()));
      return out;
    }
    if (m.base() != null) {
      out.add(byId.get(UniqueValues.decode(m.base()).id()));
    }
    for (byte[] op : m.operands()) {
      out.add(byId.get(UniqueValues.decode(op).id()));
    }
    return out;
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
      for (Write w : writesIn(value)) {
        if (w.invoke >= openedAt) {
          return new Finding(
              Violation.LATER_WRITE_SEEN, key, "shows " + w + ", opened at tick " + openedAt);
        }
      }
      return null;
    }
    long threshold = latestAckedInvoke(key, start);
    if (threshold == 0) {
      return null; // absent from the start: nothing acknowledged had to be seen
    }
    long latestNow = time.getAsLong() + skewMillis;
    for (Write w : history.getOrDefault(key, List.of())) {
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
   * #rebase}).
   */
  public synchronized List<Finding> verify(Map<String, byte[]> actual) {
    return verify(actual, next(), 0);
  }

  /**
   * As {@link #verify(Map)}, for contents read from tick {@code start} on by a clock {@code
   * skewMillis} off the shared time.
   */
  public synchronized List<Finding> verify(
      Map<String, byte[]> actual, long start, long skewMillis) {
    List<Finding> findings = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(history.keySet());
    keys.addAll(actual.keySet());
    long now = next();
    long earliestNow = timeAt(start) + skewMillis;
    long latestNow = lastTime + skewMillis;
    for (String key : keys) {
      byte[] value = actual.get(key);
      Finding f = judge(key, value, latestAckedInvoke(key, now), now, earliestNow, latestNow);
      if (f != null) {
        findings.add(f);
      } else {
        countExpiry(key, now, earliestNow, latestNow);
        countDroppable(key, value, now, timeAt(start));
      }
    }
    if (findings.isEmpty()) {
      rebase(actual, keys, latestNow);
    }
    return findings;
  }

  /** Writes recorded so far, for the report. */
  public synchronized int keys() {
    return history.size();
  }

  /** See {@link #droppableAtVerify()}. */
  private void countDroppable(String key, byte[] value, long now, long earliestTime) {
    if (value != null) {
      return;
    }
    Write newest = null;
    for (Write w : history.getOrDefault(key, List.of())) {
      if (w.acked && w.ackTick < now && (newest == null || w.invoke > newest.invoke)) {
        newest = w;
      }
    }
    if (newest != null
        && !newest.isDelete()
        && newest.expiresBy != NEVER
        && newest.expiresBy < earliestTime - droppableAfter) {
      droppedAtVerify++;
    }
  }

  /**
   * Replaces the history of each key by what it held, acknowledged; except for a key with a write
   * that may have expired for the verifying reader (its clock at most {@code latestNow}): what it
   * held depended on that reader's clock, and a reader whose clock lags may still see the value, so
   * such a key keeps its history (and stays as permissive as it was).
   */
  private void rebase(Map<String, byte[]> actual, TreeSet<String> keys, long latestNow) {
    long now = next();
    unpromised.clear();
    for (String key : keys) {
      if (mayHaveExpiredAny(key, latestNow)) {
        continue;
      }
      byte[] value = actual.get(key);
      List<Write> list = new ArrayList<>();
      if (value == null) {
        list.add(rebased(key, null, now, false));
      } else if (ChaosMerge.decode(value) == null) {
        list.add(rebased(key, UniqueValues.decode(value).id(), now, false));
      } else {
        // The base first, then the operands in order, acknowledged one tick after another (so
        // an operand that expires later can start the chain of the ones after it): the next
        // cycle accepts exactly this value, or what later writes and expiries make of it.
        ChaosMerge.Merged m = ChaosMerge.decode(value);
        if (m.base() != null) {
          list.add(rebased(key, UniqueValues.decode(m.base()).id(), next(), false));
        } // no base: the operands alone, over the (new) initial absence
        for (byte[] op : m.operands()) {
          list.add(rebased(key, UniqueValues.decode(op).id(), next(), true));
        }
      }
      history.put(key, list);
    }
  }

  private boolean mayHaveExpiredAny(String key, long latestNow) {
    for (Write w : history.getOrDefault(key, List.of())) {
      if (w.mayHaveExpired(latestNow)) {
        return true;
      }
    }
    return false;
  }

  /** A write acknowledged at {@code now}, with the expiry of the write it stands for. */
  private Write rebased(String key, String id, long now, boolean merge) {
    Write was = id == null ? null : byId.get(id);
    Write w =
        new Write(-1, key, id, now, merge, was == null ? 0 : was.ttl, was == null ? 0 : was.skew);
    w.ret = now;
    if (was != null) {
      w.expiresFrom = was.expiresFrom;
      w.expiresBy = was.expiresBy;
    }
    w.ack(now);
    if (id != null) {
      byId.put(id, w);
    }
    return w;
  }

  /** The latest begin tick of a write of {@code key} acknowledged before tick {@code start}. */
  private long latestAckedInvoke(String key, long start) {
    long latest = 0;
    List<Write> writes = history.get(key);
    if (writes != null) {
      for (Write w : writes) {
        if (w.acked && w.ackTick < start) {
          latest = Math.max(latest, w.invoke);
        }
      }
    }
    return latest;
  }

  /**
   * Null if {@code key} may hold {@code value} given acknowledgements begun at or before {@code
   * threshold}, made before tick {@code start}.
   */
  private Finding judge(
      String key, byte[] value, long threshold, long start, long earliestNow, long latestNow) {
    List<Write> writes = history.getOrDefault(key, List.of());
    ChaosMerge.Merged merged = ChaosMerge.decode(value);
    if (merged != null) {
      return MergedValues.judge(key, merged, writes, start, byId, earliestNow, latestNow);
    }
    if (value == null) {
      if (threshold == 0) {
        return null;
      }
      for (Write w : writes) {
        // A delete, or a put or merge that may have expired (a delete at its place), could be
        // the newest write.
        if (w.mayDelete(latestNow) && w.ret >= threshold) {
          return null;
        }
      }
      long called = latestCalledAckInvoke(writes);
      boolean deletedSinceCalls = called == 0;
      for (Write w : writes) {
        deletedSinceCalls |= w.isDelete() && w.ret >= called;
      }
      return new Finding(
          deletedSinceCalls ? Violation.NOT_DURABLE : Violation.LOST_ACKED_WRITE,
          key,
          "absent, but acknowledged: " + ackedAfter(writes, 0));
    }
    UniqueValues.Token token = UniqueValues.decode(value);
    if (token == null) {
      return new Finding(
          Violation.PHANTOM_VALUE, key, "undecodable value of " + value.length + "B");
    }
    Write w = byId.get(token.id());
    if (w == null || !w.key.equals(key) || !token.key().equals(key)) {
      return new Finding(Violation.PHANTOM_VALUE, key, "never written here: " + token);
    }
    if (w.merge) {
      return new Finding(Violation.PHANTOM_VALUE, key, "a bare operand read as a value: " + w);
    }
    if (w.ret >= threshold) {
      return expired(key, w, earliestNow);
    }
    boolean deleted = false;
    for (Write later : writes) {
      if (later.acked && later.isDelete() && later.invoke > w.ret) {
        deleted = true;
      }
    }
    Violation v;
    if (w.ret >= latestCalledAckInvoke(writes)) {
      v = Violation.NOT_DURABLE; // only a durable-only read's promise made it too old
    } else {
      v = deleted ? Violation.RESURRECTED_DELETE : Violation.LOST_ACKED_WRITE;
    }
    return new Finding(
        v, key, "holds " + w + " but acknowledged later: " + ackedAfter(writes, w.ret));
  }

  /** An {@link Violation#EXPIRED_VALUE} finding if {@code w} surely expired, else null. */
  static Finding expired(String key, Write w, long earliestNow) {
    if (!w.surelyExpired(earliestNow)) {
      return null;
    }
    return new Finding(
        Violation.EXPIRED_VALUE, key, "shows " + w + " to a reader whose now is " + earliestNow);
  }

  static long saturatedSum(long a, long b, long c) {
    try {
      return Math.addExact(Math.addExact(a, b), c);
    } catch (ArithmeticException e) {
      return NEVER;
    }
  }

  /** As {@link #latestAckedInvoke}, counting only writes acknowledged by their own call. */
  private static long latestCalledAckInvoke(List<Write> writes) {
    long latest = 0;
    for (Write w : writes) {
      if (w.acked && !w.promised) {
        latest = Math.max(latest, w.invoke);
      }
    }
    return latest;
  }

  private static List<Write> ackedAfter(List<Write> writes, long tick) {
    List<Write> out = new ArrayList<>();
    for (Write w : writes) {
      if (w.acked && w.invoke > tick) {
        out.add(w);
      }
    }
    return out.size() > 4 ? out.subList(out.size() - 4, out.size()) : out;
  }
}
