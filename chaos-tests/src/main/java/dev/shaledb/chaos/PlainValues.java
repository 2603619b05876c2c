package dev.shaledb.chaos;

import dev.shaledb.chaos.ExpectedState.Finding;
import dev.shaledb.chaos.ExpectedState.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The oracle's rule for a value that is not merged, and for absence, apart from {@link
 * ExpectedState} which calls it under its lock (merged values go to {@link MergedValues}): a key
 * may hold the value of write {@code v} (a delete, or a write that may have expired: absence) only
 * if no write of that key acknowledged before the read began, began after {@code v} returned.
 */
final class PlainValues {
  private PlainValues() {}

  /**
   * Null if {@code key}, whose writes are {@code writes}, may hold {@code value} given
   * acknowledgements begun at or before {@code threshold}, made before tick {@code start}.
   */
  static Finding judge(
      String key,
      byte[] value,
      List<Write> writes,
      Map<String, Write> byId,
      long threshold,
      long start,
      long earliestNow,
      long latestNow) {
    ChaosMerge.Merged merged = ChaosMerge.decode(value);
    if (merged != null) {
      return MergedValues.judge(key, merged, writes, start, byId, earliestNow, latestNow);
    }
    if (value == null) {
      return absent(key, writes, threshold, latestNow);
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
      return Expiry.expired(key, w, earliestNow);
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

  private static Finding absent(String key, List<Write> writes, long threshold, long latestNow) {
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

  /** The latest begin tick of a write acknowledged by its own call (not by a promise). */
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
