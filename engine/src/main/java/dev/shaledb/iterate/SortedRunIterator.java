package dev.shaledb.iterate;

import static java.util.Objects.requireNonNull;

import dev.shaledb.manifest.TableInfo;
import dev.shaledb.sst.EntryKind;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Iterates a sorted run: tables sorted by key whose key ranges do not overlap, read as one
 * sequence. Tables are opened lazily, one at a time, through the opener; moving to another table
 * closes the previous one's iterator. {@link #seek} binary-searches the tables by largest key, so
 * it opens only the table that can hold the target (and its successors if that one has no visible
 * entry at or after it).
 *
 * <p>Backward the same holds in mirror image: {@link #seekBefore} binary-searches by smallest key
 * and {@link #prev()} moves into the previous table at its last entry.
 *
 * <p>The iterators the opener returns start unpositioned; this iterator seeks them. Not
 * thread-safe. Closing it closes the open table iterator.
 */
public final class SortedRunIterator implements EntryIterator {
  private final TableInfo[] tables;
  private final byte[][] smallest;
  private final byte[][] largest;
  private final Function<TableInfo, EntryIterator> opener;
  // The scan's range (null: unbounded): tables wholly outside it are never opened, so a table
  // iterator that ends at the range's end does not make the run open every table after it.
  private final byte[] start;
  private final byte[] end;
  private int index = -1;
  private EntryIterator current;

  /**
   * @param tables the run's tables in key order; their key ranges must not overlap, though a
   *     table's largest key may equal the next one's smallest (it never holds that key then)
   * @param opener opens an unpositioned iterator over one table
   * @throws IllegalArgumentException if the tables are out of order or overlap
   */
  public SortedRunIterator(List<TableInfo> tables, Function<TableInfo, EntryIterator> opener) {
    requireNonNull(tables, "tables is null");
    this.opener = requireNonNull(opener, "opener is null");
    this.tables = tables.toArray(new TableInfo[0]);
    this.start = null;
    this.end = null;
    this.smallest = new byte[this.tables.length][];
    this.largest = new byte[this.tables.length][];
    for (int i = 0; i < this.tables.length; i++) {
      TableInfo t = requireNonNull(this.tables[i], "a table is null");
      // The accessors copy; cache the keys once.
      smallest[i] = t.smallestKey();
      largest[i] = t.largestKey();
      // Neighbours may touch (a range tombstone's exclusive end): see SortedRun.
      if (i > 0 && Arrays.compareUnsigned(largest[i - 1], smallest[i]) > 0) {
        throw new IllegalArgumentException(
            "tables of a sorted run overlap or are out of order: "
                + this.tables[i - 1].id()
                + " and "
                + t.id());
      }
    }
  }

  /**
   * As {@link #SortedRunIterator(List, Function)}, with the tables' smallest and largest keys
   * already copied out by the caller, who must not change them; for readers that open many
   * iterators over the same run. Trusts the order (a {@code SortedRun} checked it). Only versions
   * of keys in {@code [startInclusive, endExclusive)} (null: unbounded) are needed: moving on from
   * an exhausted table stops at the range's edge instead of opening the tables beyond it.
   */
  public SortedRunIterator(
      List<TableInfo> tables,
      byte[][] smallest,
      byte[][] largest,
      byte[] startInclusive,
      byte[] endExclusive,
      Function<TableInfo, EntryIterator> opener) {
    this.start = startInclusive;
    this.end = endExclusive;
    this.tables = requireNonNull(tables, "tables is null").toArray(new TableInfo[0]);
    this.smallest = requireNonNull(smallest, "smallest is null");
    this.largest = requireNonNull(largest, "largest is null");
    this.opener = requireNonNull(opener, "opener is null");
    if (smallest.length != this.tables.length || largest.length != this.tables.length) {
      throw new IllegalArgumentException("key arrays do not match the tables");
    }
  }

  @Override
  public boolean isValid() {
    return current != null && current.isValid();
  }

  @Override
  public void next() {
    checkValid();
    current.next();
    skipExhaustedTables();
  }

  @Override
  public void seekToFirst() {
    if (tables.length == 0) {
      return;
    }
    open(0);
    current.seekToFirst();
    skipExhaustedTables();
  }

  /** Opens the table the seek starts in and lets it start its read. */
  @Override
  public void prepareSeek(byte[] target) {
    int i = target == null ? 0 : firstTableEndingAtOrAfter(target);
    if (i < tables.length && beforeEnd(i)) {
      open(i);
      current.prepareSeek(
          target == null || Arrays.compareUnsigned(target, smallest[i]) <= 0 ? null : target);
    }
  }

  @Override
  public void seek(byte[] target) {
    requireNonNull(target, "target is null");
    int i = firstTableEndingAtOrAfter(target);
    if (i == tables.length || !beforeEnd(i)) {
      // Every key in the run sorts before the target, or the rest lies past the range.
      closeCurrent();
      return;
    }
    open(i);
    if (Arrays.compareUnsigned(target, smallest[i]) <= 0) {
      current.seekToFirst();
    } else {
      current.seek(target);
    }
    skipExhaustedTables();
  }

  @Override
  public void prev() {
    checkValid();
    current.prev();
    skipExhaustedTablesBackward();
  }

  @Override
  public void seekToLast() {
    if (tables.length == 0) {
      return;
    }
    open(tables.length - 1);
    current.seekToLast();
    skipExhaustedTablesBackward();
  }

  @Override
  public void seekBefore(byte[] target) {
    requireNonNull(target, "target is null");
    int i = firstTableStartingAtOrAfter(target) - 1;
    if (i < 0 || !afterStart(i)) {
      // Every key in the run sorts at or after the target, or the rest lies before the range.
      closeCurrent();
      return;
    }
    open(i);
    if (Arrays.compareUnsigned(largest[i], target) < 0) {
      current.seekToLast();
    } else {
      current.seekBefore(target);
    }
    skipExhaustedTablesBackward();
  }

  @Override
  public byte[] key() {
    checkValid();
    return current.key();
  }

  @Override
  public long seq() {
    checkValid();
    return current.seq();
  }

  @Override
  public EntryKind kind() {
    checkValid();
    return current.kind();
  }

  @Override
  public byte[] value() {
    checkValid();
    return current.value();
  }

  @Override
  public long expireAtMillis() {
    checkValid();
    return current.expireAtMillis();
  }

  /** Closes the open table iterator, if any. Idempotent. */
  @Override
  public void close() {
    closeCurrent();
  }

  /** Moves to the next table's first entry while the current table has no more. */
  private void skipExhaustedTables() {
    while (!current.isValid() && index + 1 < tables.length && beforeEnd(index + 1)) {
      open(index + 1);
      current.seekToFirst();
    }
  }

  /** Moves to the previous table's last entry while the current table has no more. */
  private void skipExhaustedTablesBackward() {
    while (!current.isValid() && index > 0 && afterStart(index - 1)) {
      open(index - 1);
      current.seekToLast();
    }
  }

  /** Whether table {@code i} may hold a key before the range's end. */
  private boolean beforeEnd(int i) {
    return end == null || Arrays.compareUnsigned(smallest[i], end) < 0;
  }

  /** Whether table {@code i} may hold a key at or after the range's start. */
  private boolean afterStart(int i) {
    return start == null || Arrays.compareUnsigned(largest[i], start) >= 0;
  }

  /** Makes table {@code i} current, reusing its iterator if it is already open. */
  private void open(int i) {
    if (i == index && current != null) {
      return;
    }
    closeCurrent();
    current = requireNonNull(opener.apply(tables[i]), "the opener returned null");
    index = i;
  }

  private void closeCurrent() {
    EntryIterator c = current;
    current = null;
    index = -1;
    if (c != null) {
      c.close();
    }
  }

  private int firstTableEndingAtOrAfter(byte[] target) {
    int lo = 0;
    int hi = tables.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Arrays.compareUnsigned(largest[mid], target) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private int firstTableStartingAtOrAfter(byte[] target) {
    int lo = 0;
    int hi = tables.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Arrays.compareUnsigned(smallest[mid], target) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private void checkValid() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not positioned on an entry");
    }
  }
}
