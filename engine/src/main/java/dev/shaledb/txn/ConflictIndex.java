package dev.shaledb.txn;

import dev.shaledb.error.TransactionConflictException;
import dev.shaledb.support.Keys;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The recent writes a committing transaction is checked against: for each key written while some
 * transaction was open, the sequence number of its last write. A transaction with snapshot {@code
 * s} conflicts when a key it wrote (or, serializable, read) maps to a number above {@code s}.
 *
 * <p>Invariants, all under the one lock that orders writes (the caller's; this class has none):
 *
 * <ul>
 *   <li>Every write with a sequence number above the snapshot of an open transaction is recorded or
 *       lies at or below {@link #floor}: a transaction registers and takes its snapshot under the
 *       lock, and writes record themselves under it while any transaction is open.
 *   <li>Entries at or below the oldest open snapshot are useless and are dropped as transactions
 *       end; with no transaction open the index is empty.
 *   <li>The index holds at most {@code maxBytes} (key bytes plus a fixed overhead per entry). Past
 *       that the oldest entries go and {@link #floor} rises to the newest dropped number: a
 *       transaction whose snapshot lies below the floor cannot be checked key by key and fails with
 *       a conflict (never a missed one).
 * </ul>
 *
 * Cost: a write pays one map update per key while transactions are open; a commit pays one lookup
 * per key written or read, plus the recorded keys inside each range it scanned. Range deletes are
 * recorded as ranges, in a list every check walks: they are rare, and each one conflicts with every
 * key it covers.
 */
public final class ConflictIndex {
  /** Map entry, deque entry and boxed number per recorded key, on a 64-bit JVM, roughly. */
  static final int ENTRY_OVERHEAD = 120;

  private final long maxBytes;
  private final TreeMap<byte[], Long> lastWrite = new TreeMap<>(Arrays::compareUnsigned);
  private final ArrayDeque<Recorded> order = new ArrayDeque<>();
  private final ArrayDeque<RangeWrite> ranges = new ArrayDeque<>();
  private final TreeMap<Long, Integer> openSnapshots = new TreeMap<>();
  private long bytes;
  private long floor = -1;

  private record Recorded(byte[] key, long seq) {}

  private record RangeWrite(byte[] start, byte[] end, long seq) {
    boolean covers(byte[] key) {
      return Arrays.compareUnsigned(start, key) <= 0 && Arrays.compareUnsigned(key, end) < 0;
    }

    boolean overlaps(byte[] from, byte[] to) {
      return (to == null || Arrays.compareUnsigned(start, to) < 0)
          && (from == null || Arrays.compareUnsigned(end, from) > 0);
    }
  }

  public ConflictIndex(long maxBytes) {
    if (maxBytes < ENTRY_OVERHEAD) {
      throw new IllegalArgumentException(
          "conflict history of " + maxBytes + " bytes is below one entry (" + ENTRY_OVERHEAD + ")");
    }
    this.maxBytes = maxBytes;
  }

  /** Whether writes must be recorded: some transaction is open. */
  public boolean tracking() {
    return !openSnapshots.isEmpty();
  }

  /** A transaction with snapshot {@code seq} opens. */
  public void open(long seq) {
    openSnapshots.merge(seq, 1, Integer::sum);
  }

  /** A transaction with snapshot {@code seq} ends; drops what no open transaction needs. */
  public void close(long seq) {
    openSnapshots.computeIfPresent(seq, (k, n) -> n == 1 ? null : n - 1);
    if (openSnapshots.isEmpty()) {
      lastWrite.clear();
      order.clear();
      ranges.clear();
      bytes = 0;
      return;
    }
    long oldest = openSnapshots.firstKey();
    while (!order.isEmpty() && order.peekFirst().seq() <= oldest) {
      drop(order.pollFirst());
    }
    while (!ranges.isEmpty() && ranges.peekFirst().seq() <= oldest) {
      RangeWrite r = ranges.pollFirst();
      bytes -= r.start().length + r.end().length + ENTRY_OVERHEAD;
    }
  }

  /** Records a write of {@code key} at {@code seq}; call only while {@link #tracking()}. */
  public void record(byte[] key, long seq) {
    Long before = lastWrite.put(key, seq);
    if (before == null) {
      bytes += key.length + ENTRY_OVERHEAD;
    }
    order.addLast(new Recorded(key, seq));
    while (bytes > maxBytes && !order.isEmpty()) {
      Recorded oldest = order.pollFirst();
      floor = Math.max(floor, oldest.seq());
      drop(oldest);
    }
  }

  /**
   * Records a delete of {@code [start, end)} at {@code seq}; call only while {@link #tracking()}.
   */
  public void recordRange(byte[] start, byte[] end, long seq) {
    ranges.addLast(new RangeWrite(start, end, seq));
    bytes += start.length + end.length + ENTRY_OVERHEAD;
    while (bytes > maxBytes && !ranges.isEmpty()) {
      RangeWrite oldest = ranges.pollFirst();
      floor = Math.max(floor, oldest.seq());
      bytes -= oldest.start().length + oldest.end().length + ENTRY_OVERHEAD;
    }
  }

  private void drop(Recorded r) {
    // A later write of the same key has its own deque entry; only the last one removes the key.
    if (lastWrite.get(r.key()) == r.seq()) {
      lastWrite.remove(r.key());
      bytes -= r.key().length + ENTRY_OVERHEAD;
    }
  }

  /** Keys recorded now; for tests and stats. */
  public int size() {
    return lastWrite.size();
  }

  /** Fails if the transaction with snapshot {@code snapshot} cannot be checked key by key. */
  public void checkFloor(long snapshot) {
    if (snapshot < floor) {
      throw new TransactionConflictException(
          "the writes since this transaction's snapshot (sequence number "
              + snapshot
              + ") outgrew the conflict history (DbOptions.conflictHistoryBytes = "
              + maxBytes
              + "); nothing was applied, run it again",
          null);
    }
  }

  /** Fails if {@code key} was written after {@code snapshot}; {@code what} says how it was used. */
  public void checkKey(byte[] key, long snapshot, String what) {
    Long seq = lastWrite.get(key);
    if (seq != null && seq > snapshot) {
      throw conflict(key, seq, snapshot, what);
    }
    for (RangeWrite r : ranges) {
      if (r.seq() > snapshot && r.covers(key)) {
        throw conflict(key, r.seq(), snapshot, what);
      }
    }
  }

  /**
   * Fails if any key in {@code [start, end)} (null: unbounded) was written after {@code snapshot}.
   */
  public void checkRange(byte[] start, byte[] end, long snapshot) {
    Map<byte[], Long> range =
        start == null
            ? (end == null ? lastWrite : lastWrite.headMap(end, false))
            : (end == null
                ? lastWrite.tailMap(start, true)
                : lastWrite.subMap(start, true, end, false));
    for (Map.Entry<byte[], Long> e : range.entrySet()) {
      if (e.getValue() > snapshot) {
        throw conflict(e.getKey(), e.getValue(), snapshot, "scanned");
      }
    }
    for (RangeWrite r : ranges) {
      if (r.seq() > snapshot && r.overlaps(start, end)) {
        byte[] first =
            start == null || Arrays.compareUnsigned(r.start(), start) > 0 ? r.start() : start;
        throw conflict(first, r.seq(), snapshot, "scanned");
      }
    }
  }

  private static TransactionConflictException conflict(
      byte[] key, long seq, long snapshot, String what) {
    return new TransactionConflictException(
        "key "
            + Keys.describe(key)
            + ", which this transaction "
            + what
            + ", was written at sequence number "
            + seq
            + ", after its snapshot ("
            + snapshot
            + "); nothing was applied, run it again",
        key);
  }
}
