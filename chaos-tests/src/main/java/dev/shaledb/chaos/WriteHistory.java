package dev.shaledb.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The oracle's record of writes, apart from {@link ExpectedState} which calls it under its lock:
 * each key's writes in begin order, the writes by value token, and each process's writes accepted
 * but not yet promised durable. It applies the promises (a durable call, a later durable call of
 * the same process, a durable-only read) and, after a verified recovery, replaces each key's
 * history by what it held ({@link #rebase}).
 */
final class WriteHistory {
  private final OracleClock clock;
  private final Map<String, List<Write>> history = new TreeMap<>();
  private final Map<String, Write> byId = new HashMap<>();
  private final Map<Integer, List<Write>> unpromised = new HashMap<>();

  WriteHistory(OracleClock clock) {
    this.clock = clock;
  }

  /**
   * The history of a clone of this database made by process {@code cloner} in a call begun at tick
   * {@code began}, for an oracle on {@code forked} (a copy of this clock): the clone holds every
   * write acknowledged durable before the call began, and every write the cloner itself accepted
   * before it (still in its memtables, which the call flushes), so those are acknowledged in it.
   * Every other write may or may not be in it: unacknowledged, and ended at the fork if still open.
   * That includes writes another process only accepted: it may have crashed before they were
   * durable (seed 20270382). Later writes here do not reach it.
   */
  WriteHistory forkForClone(OracleClock forked, long began, int cloner) {
    WriteHistory fork = new WriteHistory(forked);
    long now = forked.next();
    Map<Write, Write> copies = new java.util.IdentityHashMap<>();
    for (Map.Entry<String, List<Write>> e : history.entrySet()) {
      List<Write> list = new ArrayList<>();
      for (Write w : e.getValue()) {
        list.add(copies.computeIfAbsent(w, x -> heldByClone(x, began, now, forked, cloner)));
      }
      fork.history.put(e.getKey(), list);
    }
    // Writes a rebase replaced are still known by their values (a value read back from before).
    for (Map.Entry<String, Write> e : byId.entrySet()) {
      fork.byId.put(
          e.getKey(),
          copies.computeIfAbsent(e.getValue(), x -> heldByClone(x, began, now, forked, cloner)));
    }
    return fork;
  }

  private static Write heldByClone(Write w, long began, long now, OracleClock forked, int cloner) {
    Write c = new Write(w);
    boolean held =
        (w.acked && w.ackTick < began)
            || (w.process == cloner && (w.accepted || w.acked) && w.ret < began);
    if (!held) {
      c.acked = false;
      c.promised = false;
      c.ackTick = Write.OPEN;
    } else if (!c.acked) {
      c.ack(now);
    }
    if (c.ret == Write.OPEN) {
      c.returned(now, forked.lastTime());
    }
    return c;
  }

  /** The writes of {@code key}, in begin order (empty if none). */
  List<Write> of(String key) {
    return history.getOrDefault(key, List.of());
  }

  /** Every write with a value, by its token. */
  Map<String, Write> byId() {
    return byId;
  }

  /** The keys written. */
  Set<String> keys() {
    return history.keySet();
  }

  Write begin(int process, String key, String id, boolean merge, long ttl, long skew) {
    if (ttl < 0) {
      throw new IllegalArgumentException("ttl is negative: " + ttl);
    }
    Write w = new Write(process, key, id, clock.next(), merge, ttl, skew);
    w.began(clock.lastTime());
    history.computeIfAbsent(key, k -> new ArrayList<>()).add(w);
    if (id != null) {
      byId.put(id, w);
    }
    return w;
  }

  void end(List<Write> writes, ExpectedState.Outcome outcome) {
    long now = clock.next();
    for (Write w : writes) {
      w.returned(now, clock.lastTime());
      if (outcome == ExpectedState.Outcome.DURABLE) {
        w.ack(now);
      } else if (outcome == ExpectedState.Outcome.ACCEPTED) {
        w.accepted = true;
        unpromised.computeIfAbsent(w.process, p -> new ArrayList<>()).add(w);
      }
    }
  }

  void durableBefore(int process, long began) {
    List<Write> pending = unpromised.get(process);
    if (pending == null) {
      return;
    }
    long now = clock.next();
    pending.removeIf(
        w -> {
          if (w.ret < began) {
            w.ack(now);
            return true;
          }
          return false;
        });
  }

  void crashed(int process) {
    long now = clock.next();
    for (List<Write> writes : history.values()) {
      for (Write w : writes) {
        if (w.process == process && w.ret == Write.OPEN) {
          w.returned(now, clock.lastTime());
        }
      }
    }
    unpromised.remove(process);
  }

  /**
   * A durable-only read by {@code process} returned {@code value} (which passed the read check):
   * its writes are promised, and so is every write of that process accepted before one of them
   * began.
   */
  void promise(int process, byte[] value) {
    long now = clock.next();
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
  }

  /** The writes a value that passed the read check came from: one put, or a base and operands. */
  List<Write> writesIn(byte[] value) {
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

  /** The latest begin tick of a write of {@code key} acknowledged before tick {@code start}. */
  long latestAckedInvoke(String key, long start) {
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
   * Replaces the history of each of {@code keys} by what it held in {@code actual}, acknowledged;
   * except for a key with a write that may have expired for the verifying reader (its clock at most
   * {@code latestNow}): what it held depended on that reader's clock, and a reader whose clock lags
   * may still see the value, so such a key keeps its history (and stays as permissive as it was).
   */
  void rebase(Map<String, byte[]> actual, Collection<String> keys, long latestNow) {
    long now = clock.next();
    unpromised.clear();
    for (String key : keys) {
      if (Expiry.mayHaveExpiredAny(of(key), latestNow)) {
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
          list.add(rebased(key, UniqueValues.decode(m.base()).id(), clock.next(), false));
        } // no base: the operands alone, over the (new) initial absence
        for (byte[] op : m.operands()) {
          list.add(rebased(key, UniqueValues.decode(op).id(), clock.next(), true));
        }
      }
      history.put(key, list);
    }
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
}
