package dev.shaledb.chaos;

import static dev.shaledb.chaos.Causes.causedBy;
import static dev.shaledb.chaos.KeySpace.bytes;

import dev.shaledb.Db;
import dev.shaledb.ReadOptions;
import java.util.ArrayList;
import java.util.List;

/** The failed-write visibility check of a {@link Workload}. */
final class FailedWrites {
  private static final ReadOptions DURABLE_ONLY = ReadOptions.defaults().withDurableOnly(true);

  private FailedWrites() {}

  /**
   * A write failed (fenced, outcome unknown, the WAL failed, the process crashed under it): the
   * failed database's own reads must not show its values. One exception is the harness's own: a
   * crash injected just before the acknowledgement ({@link CrashPoint#BEFORE_ACK}) fails a write
   * that is durable, as the listener documents. And a write may be durable after all when its
   * memtable reached a table before the WAL failed: then a durable-only read shows it too, which is
   * the engine's promise that a recovery will.
   */
  static void readBack(
      Db db,
      ExpectedState oracle,
      Tally tally,
      int process,
      long skewMillis,
      List<Write> writes,
      RuntimeException e) {
    if (causedBy(e, CrashHooks.InjectedCrash.class)) {
      return;
    }
    for (Write w : writes) {
      if (w.isDelete()) {
        continue; // an absence names no write
      }
      byte[] value;
      try {
        value = db.get(bytes(w.key));
      } catch (RuntimeException readFailed) {
        continue; // a dead process's table reads fail: nothing was shown
      }
      tally.inc(Stat.FAILED_WRITES_CHECKED);
      if (!holds(value, w)) {
        continue;
      }
      byte[] durable;
      long threshold = oracle.readStart(w.key);
      try {
        durable = db.get(bytes(w.key), DURABLE_ONLY);
      } catch (RuntimeException readFailed) {
        durable = null;
      }
      if (holds(durable, w)
          && oracle.checkDurableRead(process, w.key, durable, threshold, skewMillis) == null) {
        tally.inc(Stat.FAILED_WRITES_DURABLE);
      } else {
        tally.inc(Stat.FAILED_WRITES_VISIBLE);
        tally.finding(
            "process "
                + process
                + " failed "
                + w
                + " ("
                + e
                + ") and then read it back from "
                + w.key);
      }
    }
  }

  /** Whether {@code value} shows write {@code w}: is its value, or a merged value naming it. */
  private static boolean holds(byte[] value, Write w) {
    ChaosMerge.Merged m = ChaosMerge.decode(value);
    if (m == null) {
      UniqueValues.Token t = UniqueValues.decode(value);
      return t != null && t.id().equals(w.id);
    }
    List<byte[]> parts = new ArrayList<>(m.operands());
    if (m.base() != null) {
      parts.add(m.base());
    }
    for (byte[] part : parts) {
      UniqueValues.Token t = UniqueValues.decode(part);
      if (t != null && t.id().equals(w.id)) {
        return true;
      }
    }
    return false;
  }
}
