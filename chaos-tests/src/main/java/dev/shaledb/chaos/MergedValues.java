package dev.shaledb.chaos;

import dev.shaledb.chaos.ExpectedState.Finding;
import dev.shaledb.chaos.ExpectedState.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The oracle's rule for merged values ({@link ChaosMerge}), apart from {@link ExpectedState} which
 * calls it under its lock: a merged value names writes of its key (no operand twice, none out of
 * write order, none before its base), and every write acknowledged before the read began is in it
 * or could precede its base (or the delete its chain starts from).
 *
 * <p>Times to live: no write in the value may have surely expired for the reader (an expired base
 * or operand reads as a delete), and with no base the chain may start at a put or merge that may
 * have expired, as at a delete.
 */
final class MergedValues {
  private static final long OPEN = ExpectedState.OPEN;

  private MergedValues() {}

  /** Null if {@code key} may hold the merged value {@code m}; see the class comment. */
  static Finding judge(
      String key,
      ChaosMerge.Merged m,
      List<Write> writes,
      long start,
      Map<String, Write> byId,
      long earliestNow,
      long latestNow) {
    Write base = null;
    if (m.base() != null) {
      base = writeOf(key, m.base(), false, byId);
      if (base == null) {
        return new Finding(Violation.PHANTOM_VALUE, key, "merged over a base never put here");
      }
    }
    List<Write> ops = new ArrayList<>();
    for (byte[] op : m.operands()) {
      Write w = writeOf(key, op, true, byId);
      if (w == null || ops.contains(w)) {
        return new Finding(
            Violation.PHANTOM_VALUE, key, "an operand never merged here, or twice: " + ops);
      }
      ops.add(w);
    }
    for (int i = 0; i < ops.size(); i++) {
      for (int j = i + 1; j < ops.size(); j++) {
        if (ops.get(j).ret < ops.get(i).invoke) {
          return new Finding(Violation.PHANTOM_VALUE, key, "operands out of write order: " + ops);
        }
      }
      if (base != null && ops.get(i).ret < base.invoke) {
        return new Finding(
            Violation.PHANTOM_VALUE, key, ops.get(i) + " applied over the later base " + base);
      }
    }
    List<Write> parts = new ArrayList<>(ops);
    if (base != null) {
      parts.add(0, base);
    }
    for (Write w : parts) {
      Finding expired = Expiry.expired(key, w, earliestNow);
      if (expired != null) {
        return new Finding(
            Violation.EXPIRED_VALUE, key, "merged value " + parts + ": " + expired.detail());
      }
    }
    // The chain starts at its base or, with none, at the latest delete (or put or merge that may
    // have expired) that could precede the first operand (or the initial absence, tick 0).
    Write startWrite = base;
    long chainStart = base == null ? 0 : base.ret;
    if (base == null) {
      long firstOpRet = OPEN;
      for (Write op : ops) {
        firstOpRet = Math.min(firstOpRet, op.ret);
      }
      for (Write w : writes) {
        if (w.mayDelete(latestNow)
            && !ops.contains(w)
            && w.invoke < firstOpRet
            && w.ret >= chainStart) {
          chainStart = w.ret;
          startWrite = w;
        }
      }
    }
    for (Write w : writes) {
      if (w.acked
          && w.ackTick < start
          && w != startWrite
          && !ops.contains(w)
          && w.invoke >= chainStart) {
        Violation v =
            w.isDelete()
                ? Violation.RESURRECTED_DELETE
                : w.promised ? Violation.NOT_DURABLE : Violation.LOST_ACKED_WRITE;
        return new Finding(
            v, key, "merged value " + base + " + " + ops + " misses acknowledged " + w);
      }
    }
    return null;
  }

  /** The put (or merge, if {@code merge}) of {@code key} whose value is {@code bytes}, or null. */
  private static Write writeOf(String key, byte[] bytes, boolean merge, Map<String, Write> byId) {
    UniqueValues.Token t = UniqueValues.decode(bytes);
    Write w = t == null ? null : byId.get(t.id());
    return w != null && w.key.equals(key) && t.key().equals(key) && w.merge == merge ? w : null;
  }
}
