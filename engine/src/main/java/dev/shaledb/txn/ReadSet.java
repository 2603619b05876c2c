package dev.shaledb.txn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * What a serializable transaction read: keys of point reads and ranges of scans, checked at commit
 * against the {@link ConflictIndex}. Bounded: past {@code maxKeys} point reads, the keys collapse
 * into one range from the smallest to the largest, which can only add conflicts, never hide one.
 */
final class ReadSet {
  private final int maxKeys;
  private final TreeSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);
  private final List<byte[][]> ranges = new ArrayList<>();

  ReadSet(int maxKeys) {
    this.maxKeys = maxKeys;
  }

  void addKey(byte[] key) {
    keys.add(key);
    if (keys.size() > maxKeys) {
      // [smallest, largest] as the half-open range [smallest, largest + 0x00).
      byte[] last = keys.last();
      ranges.add(new byte[][] {keys.first(), Arrays.copyOf(last, last.length + 1)});
      keys.clear();
    }
  }

  /** Records {@code [start, end)}, null bounds being unbounded; the arrays must not change. */
  void addRange(byte[] start, byte[] end) {
    ranges.add(new byte[][] {start, end});
  }

  /** Fails on the first key or range written after {@code snapshot}. */
  void check(ConflictIndex index, long snapshot) {
    for (byte[] key : keys) {
      index.checkKey(key, snapshot, "read");
    }
    for (byte[][] range : ranges) {
      index.checkRange(range[0], range[1], snapshot);
    }
  }

  /** Point-read keys remembered one by one; for tests. */
  int trackedKeys() {
    return keys.size();
  }

  int ranges() {
    return ranges.size();
  }
}
