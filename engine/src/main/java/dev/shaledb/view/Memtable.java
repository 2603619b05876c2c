package dev.shaledb.view;

import static java.util.Objects.requireNonNull;

import dev.shaledb.iterate.EntryIterator;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.RangeTombstone;
import dev.shaledb.sst.RangeTombstones;
import dev.shaledb.sst.SstEntry;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-memory table of recent writes: every version of every key, in internal order (key
 * ascending by unsigned bytes, then sequence number descending).
 *
 * <p>Thread-safe: {@link #add} may run concurrently with itself and with every read. A reader at
 * snapshot {@code maxSeq} sees exactly the versions with {@code seq <= maxSeq} that were added
 * before the read started; the engine guarantees that by publishing a sequence number only after
 * its entries are added. Versions added later with higher sequence numbers stay invisible.
 *
 * <p>Keys and values are copied in, into the memtable's {@link MemtableArena}, and copied out again
 * by reads: the arrays callers add or get are theirs.
 */
public final class Memtable {
  /**
   * Bytes per entry beyond the key and value: the {@link MemtableNode} (about 56 bytes), the skip
   * list node (24) and its share of index nodes (about 8 on average), and what chunk ends waste. An
   * estimate for flush sizing, not an exact measurement.
   */
  static final long ENTRY_OVERHEAD_BYTES = 96;

  /** The capacity {@link #Memtable()} sizes its key filter for. */
  static final long DEFAULT_CAPACITY_BYTES = 4 << 20;

  private final ConcurrentSkipListSet<MemtableNode> entries =
      new ConcurrentSkipListSet<>(MemtableNode.ORDER);
  private final KeyFilter filter;
  private final MemtableArena arena;
  private final LongAdder bytes = new LongAdder();
  private final LongAdder count = new LongAdder();
  private final AtomicLong maxSeq = new AtomicLong();
  private final MemtableRanges ranges = new MemtableRanges();

  /** A memtable whose key filter is sized for {@value #DEFAULT_CAPACITY_BYTES} bytes of entries. */
  public Memtable() {
    this(DEFAULT_CAPACITY_BYTES);
  }

  /**
   * A memtable whose key filter is sized for about {@code capacityBytes} of {@link
   * #approximateBytes()}: the engine freezes memtables at that size. Holding more only makes the
   * filter less selective.
   */
  public Memtable(long capacityBytes) {
    if (capacityBytes <= 0) {
      throw new IllegalArgumentException("capacityBytes is not positive: " + capacityBytes);
    }
    // Sized for entries with a 32-byte key and value, so small entries still get ~10 bits each.
    this.filter = new KeyFilter(capacityBytes / (ENTRY_OVERHEAD_BYTES + 32));
    this.arena = new MemtableArena(capacityBytes);
  }

  /**
   * Adds one version that never expires; see {@link #add(byte[], long, EntryKind, byte[], long)}.
   */
  public void add(byte[] key, long seq, EntryKind kind, byte[] value) {
    add(key, seq, kind, value, SstEntry.NO_EXPIRY);
  }

  /**
   * Adds one version; the bytes of {@code key} and {@code value} are copied.
   *
   * @param key 1 or more bytes
   * @param seq not negative; {@code (key, seq)} must not be in the memtable yet
   * @param kind what the version records
   * @param value the value of a PUT or the operand of a MERGE; null exactly for a DELETE
   * @param expireAtMillis when a PUT or MERGE expires, or {@link SstEntry#NO_EXPIRY}
   * @throws IllegalArgumentException if an argument breaks these rules or the version exists
   */
  public void add(byte[] key, long seq, EntryKind kind, byte[] value, long expireAtMillis) {
    requireNonNull(key, "key is null");
    requireNonNull(kind, "kind is null");
    if (key.length == 0) {
      throw new IllegalArgumentException("key is empty");
    }
    if (seq < 0) {
      throw new IllegalArgumentException("seq is negative: " + seq);
    }
    if (kind.hasValue() == (value == null)) {
      throw new IllegalArgumentException(
          kind == EntryKind.DELETE ? "a DELETE has no value" : "value is null for a " + kind);
    }
    if (expireAtMillis != SstEntry.NO_EXPIRY && (expireAtMillis < 0 || !kind.hasValue())) {
      throw new IllegalArgumentException(
          "expireAtMillis " + expireAtMillis + " is invalid for a " + kind);
    }
    // Before the entry, so a reader that can see the entry also sees its filter bits.
    filter.add(key);
    if (!entries.add(MemtableNode.stored(arena, key, seq, kind, value, expireAtMillis))) {
      throw new IllegalArgumentException("the memtable already holds seq " + seq + " of the key");
    }
    bytes.add(key.length + (value == null ? 0 : value.length) + ENTRY_OVERHEAD_BYTES);
    count.increment();
    maxSeq.accumulateAndGet(seq, Math::max);
  }

  /**
   * Adds a range tombstone: every version with a lower sequence number of every key in {@code
   * [start, end)} is deleted. The arrays are not copied.
   *
   * @throws IllegalArgumentException if {@code start} does not sort before {@code end}
   */
  public void addRangeTombstone(byte[] start, byte[] end, long seq) {
    ranges.add(new RangeTombstone(start, end, seq));
    bytes.add(start.length + end.length + ENTRY_OVERHEAD_BYTES);
    count.increment();
    maxSeq.accumulateAndGet(seq, Math::max);
  }

  /** The range tombstones added so far, fragmented (filter by sequence number to read). */
  public RangeTombstones rangeTombstones() {
    return ranges.fragments();
  }

  /**
   * The newest version of {@code key} with {@code seq <= maxSeq}, or null if there is none; its
   * arrays are copies. A MERGE's older versions are read with {@link #iterator}.
   */
  public SstEntry get(byte[] key, long maxSeq) {
    requireNonNull(key, "key is null");
    if (!filter.mayContain(key)) {
      return null;
    }
    MemtableNode found = entries.ceiling(MemtableNode.probe(key, maxSeq));
    if (found == null || !found.hasKey(key)) {
      return null;
    }
    return new SstEntry(found.key(), found.seq, found.kind, found.value(), found.expireAtMillis);
  }

  /**
   * An unpositioned iterator over the versions with {@code seq <= maxSeq}. It reads the live
   * memtable, so versions added later with a higher sequence number never appear.
   */
  public EntryIterator iterator(long maxSeq) {
    return new MemtableIterator(entries, maxSeq);
  }

  /**
   * Approximate memory use: the key and value lengths of every entry plus {@value
   * #ENTRY_OVERHEAD_BYTES} bytes of estimated per-entry overhead.
   */
  public long approximateBytes() {
    return bytes.sum();
  }

  public long entryCount() {
    return count.sum();
  }

  public boolean isEmpty() {
    return entries.isEmpty() && ranges.isEmpty();
  }

  /** The highest sequence number added, 0 when empty. */
  public long maxSeq() {
    return maxSeq.get();
  }
}
