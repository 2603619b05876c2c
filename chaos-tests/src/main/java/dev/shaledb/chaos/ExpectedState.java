package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

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
 */
public final class ExpectedState {
  /** Tick of a write whose call has not returned. */
  static final long OPEN = Long.MAX_VALUE;

  /** The kinds of broken promise {@link #verify} and {@link #checkRead} report. */
  public enum Violation {
    LOST_ACKED_WRITE,
    RESURRECTED_DELETE,
    PHANTOM_VALUE,
    STALE_READ,
    /** A write a durable-only read returned (so promised durable) is missing after recovery. */
    NOT_DURABLE,
    /** An iterator showed a write begun after it was opened. */
    LATER_WRITE_SEEN
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

    private Write(int process, String key, String id, long invoke, boolean merge) {
      this.process = process;
      this.key = key;
      this.id = id;
      this.invoke = invoke;
      this.merge = merge;
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
          + "]";
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

  /** The current tick; strictly increasing. */
  public synchronized long tick() {
    return ++clock;
  }

  /** Records a put of the value with token {@code id} to {@code key}, about to be sent. */
  public synchronized Write beginPut(int process, String key, String id) {
    requireNonNull(id, "id is null");
    Write w = new Write(process, key, id, ++clock, false);
    history.computeIfAbsent(key, k -> new ArrayList<>()).add(w);
    byId.put(id, w);
    return w;
  }

  /** Records a merge of the operand with token {@code id} into {@code key}, about to be sent. */
  public synchronized Write beginMerge(int process, String key, String id) {
    requireNonNull(id, "id is null");
    Write w = new Write(process, key, id, ++clock, true);
    history.computeIfAbsent(key, k -> new ArrayList<>()).add(w);
    byId.put(id, w);
    return w;
  }

  /** Records a delete of {@code key}, about to be sent. */
  public synchronized Write beginDelete(int process, String key) {
    Write w = new Write(process, key, null, ++clock, false);
    history.computeIfAbsent(key, k -> new ArrayList<>()).add(w);
    return w;
  }

  /** Records how {@code writes} (one call: a single write or a batch) ended. */
  public synchronized void end(List<Write> writes, Outcome outcome) {
    long now = ++clock;
    for (Write w : writes) {
      w.ret = now;
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
    long now = ++clock;
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
    long now = ++clock;
    for (List<Write> writes : history.values()) {
      for (Write w : writes) {
        if (w.process == process && w.ret == OPEN) {
          w.ret = now;
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
    return ++clock;
  }

  /** Checks what a read of {@code key} begun at tick {@code start} returned; null if fine. */
  public synchronized Finding checkRead(String key, byte[] value, long start) {
    Finding f = judge(key, value, latestAckedInvoke(key, start), start);
    if (f == null) {
      return null;
    }
    return f.violation() == Violation.PHANTOM_VALUE
        ? f
        : new Finding(Violation.STALE_READ, key, f.detail());
  }

  /**
   * Checks what a durable-only read of {@code key} by {@code process} returned, begun after {@code
   * threshold} was taken; null if it is fine. A value it returns is durable: its write becomes
   * acknowledged (promised), and so does every write of the same process accepted before that write
   * began.
   */
  public synchronized Finding checkDurableRead(
      int process, String key, byte[] value, long threshold) {
    Finding f = checkRead(key, value, threshold);
    if (f != null || value == null) {
      return f;
    }
    long now = ++clock;
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
    Finding f = checkRead(key, value, start);
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
    for (Write w : history.getOrDefault(key, List.of())) {
      if (w.isDelete() && w.ret >= threshold && w.invoke < openedAt) {
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
   * the observed state.
   */
  public synchronized List<Finding> verify(Map<String, byte[]> actual) {
    List<Finding> findings = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(history.keySet());
    keys.addAll(actual.keySet());
    long now = ++clock;
    for (String key : keys) {
      Finding f = judge(key, actual.get(key), latestAckedInvoke(key, now), now);
      if (f != null) {
        findings.add(f);
      }
    }
    if (findings.isEmpty()) {
      rebase(actual, keys);
    }
    return findings;
  }

  /** Writes recorded so far, for the report. */
  public synchronized int keys() {
    return history.size();
  }

  private void rebase(Map<String, byte[]> actual, TreeSet<String> keys) {
    long now = ++clock;
    unpromised.clear();
    for (String key : keys) {
      byte[] value = actual.get(key);
      List<Write> list = new ArrayList<>();
      if (value == null) {
        list.add(rebased(key, null, now, false));
      } else if (ChaosMerge.decode(value) == null) {
        list.add(rebased(key, UniqueValues.decode(value).id(), now, false));
      } else {
        // The base first, then the operands in order, all acknowledged at once: the next cycle
        // accepts exactly this value, or what later writes make of it.
        ChaosMerge.Merged m = ChaosMerge.decode(value);
        if (m.base() != null) {
          list.add(rebased(key, UniqueValues.decode(m.base()).id(), now, false));
        } // no base: the operands alone, over the (new) initial absence
        for (byte[] op : m.operands()) {
          list.add(rebased(key, UniqueValues.decode(op).id(), now, true));
        }
      }
      history.put(key, list);
    }
  }

  private Write rebased(String key, String id, long now, boolean merge) {
    Write w = new Write(-1, key, id, now, merge);
    w.ret = now;
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
  private Finding judge(String key, byte[] value, long threshold, long start) {
    List<Write> writes = history.getOrDefault(key, List.of());
    ChaosMerge.Merged merged = ChaosMerge.decode(value);
    if (merged != null) {
      return MergedValues.judge(key, merged, writes, start, byId);
    }
    if (value == null) {
      if (threshold == 0) {
        return null;
      }
      for (Write w : writes) {
        if (w.isDelete() && w.ret >= threshold) {
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
      return null;
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
