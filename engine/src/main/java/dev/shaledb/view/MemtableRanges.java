package dev.shaledb.view;

import dev.shaledb.sst.RangeTombstone;
import dev.shaledb.sst.RangeTombstones;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Memtable}'s range tombstones: as added, and their fragmented form, rebuilt on the first
 * read after an add. Reads filter by sequence number, so a form built before a later add stays
 * correct for them.
 *
 * <p>Thread-safe: adds take the lock; a read takes it only when an add came since the last rebuild.
 * Invariant: {@code fragmented <= added}, and the fragments hold the first {@code fragmented}
 * tombstones added.
 */
final class MemtableRanges {
  private final List<RangeTombstone> ranges = new ArrayList<>();
  private volatile RangeTombstones fragments = RangeTombstones.empty();
  private volatile int fragmented;
  private volatile int added;

  void add(RangeTombstone t) {
    synchronized (ranges) {
      ranges.add(t);
      added = ranges.size();
    }
  }

  /** The range tombstones added so far, fragmented (filter by sequence number to read). */
  RangeTombstones fragments() {
    if (fragmented == added) {
      return fragments; // the common case: no lock on the read path
    }
    synchronized (ranges) {
      if (fragmented != ranges.size()) {
        fragments = RangeTombstones.of(List.copyOf(ranges));
        fragmented = ranges.size();
      }
      return fragments;
    }
  }

  boolean isEmpty() {
    return added == 0;
  }
}
