package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A cursor over a table's entries in table order (key ascending, then sequence number descending),
 * skipping entries newer than its {@code maxSeq} and stopping at its bounds. Every visible version
 * of a key is returned; callers wanting only the newest skip equal keys.
 *
 * <p>It moves both ways: {@link #next()} forward, {@link #prev()} backward (within a decoded block
 * from the restart point before the entry, then into the previous block), from any position. {@link
 * #seekToLast()} and {@link #seekBefore(byte[])} position for a backward walk; each seek is a
 * binary search of the index and then of the block's restart points.
 *
 * <pre>{@code
 * SstIterator it = reader.scan(from, to, snapshotSeq);
 * for (; it.isValid(); it.next()) {
 *   use(it.key(), it.kind(), it.value());
 * }
 * }</pre>
 *
 * <p>Range tombstones are not applied (see {@link SstReader#rangeTombstones()}); over a table of
 * range tombstones only, an iterator is never valid.
 *
 * <p>Accessors copy what they return; {@link #keyLength()}, {@link #compareKey(byte[])} and {@link
 * #valueLength()} allocate nothing. Not thread-safe.
 */
public final class SstIterator {
  private final SstReader reader;
  private final long maxSeq;
  private final byte[] lower;
  private final byte[] upper;
  private final BlockCursor cursor = new BlockCursor();
  private final BlockWindows blocks;
  private int block = -1;
  private boolean valid;

  SstIterator(SstReader reader, long maxSeq, byte[] lower, byte[] upper, ReadAhead readAhead) {
    this.reader = reader;
    this.maxSeq = maxSeq;
    this.lower = lower;
    this.upper = upper;
    int count = reader.index().count();
    // Keys >= upper start in block find(upper) at the earliest: no block after it is needed.
    int lastBlock = upper == null ? count - 1 : Math.min(count - 1, reader.index().find(upper));
    this.blocks = new BlockWindows(reader.blocks(), readAhead, lastBlock);
  }

  /** Positions at the first visible entry (at or after the lower bound, if any). */
  public void seekToFirst() {
    if (lower != null) {
      seekTo(lower);
      return;
    }
    if (noBlocks()) {
      return;
    }
    enterBlock(0);
    cursor.seekToFirst();
    settle();
  }

  /** Positions at the first visible entry whose key is {@code >= target} (and in bounds). */
  public void seek(byte[] target) {
    requireNonNull(target, "target is null");
    seekTo(lower != null && Arrays.compareUnsigned(target, lower) < 0 ? lower : target);
  }

  /**
   * Starts reading the block that {@link #seek(byte[])} of {@code target} (or {@link
   * #seekToFirst()}, if null) will enter, unless the block cache holds it or the iterator reads
   * with {@link ReadAhead#NONE}; the seek then waits for that read instead of starting its own. Its
   * damage goes to the read-ahead's {@code onDamage} as it arrives, and the seek fails with it.
   */
  public void prepareSeek(byte[] target) {
    byte[] from = target;
    if (from == null || (lower != null && Arrays.compareUnsigned(from, lower) < 0)) {
      from = lower;
    }
    int b = from == null ? 0 : reader.index().find(from);
    if (b < reader.index().count()) {
      blocks.prefetch(b);
    }
  }

  /** Positions at the last visible entry (below the upper bound, if any; at or after the lower). */
  public void seekToLast() {
    if (upper != null) {
      seekBeforeBound(upper);
      return;
    }
    if (noBlocks()) {
      return;
    }
    enterBlock(reader.index().count() - 1);
    cursor.seekToLast();
    settleBackward();
  }

  /**
   * Positions at the last visible entry whose key is {@code < target} (and in bounds): the oldest
   * visible version of the largest such key, from which {@link #prev()} walks backward.
   */
  public void seekBefore(byte[] target) {
    requireNonNull(target, "target is null");
    seekBeforeBound(upper != null && Arrays.compareUnsigned(upper, target) < 0 ? upper : target);
  }

  /** Moves to the previous visible entry, or becomes invalid before the first (or lower bound). */
  public void prev() {
    checkValid();
    cursor.prev();
    settleBackward();
  }

  /** Whether the iterator is on an entry; false past the end or the upper bound. */
  public boolean isValid() {
    return valid;
  }

  /** Moves to the next visible entry. */
  public void next() {
    checkValid();
    cursor.next();
    settle();
  }

  public byte[] key() {
    checkValid();
    return cursor.keyCopy();
  }

  public int keyLength() {
    checkValid();
    return cursor.keyLength();
  }

  /** Compares the current key with {@code other}, unsigned lexicographically. */
  public int compareKey(byte[] other) {
    checkValid();
    return cursor.compareKey(requireNonNull(other, "other is null"));
  }

  public long seq() {
    checkValid();
    return cursor.seq();
  }

  public EntryKind kind() {
    checkValid();
    return cursor.kind();
  }

  /** The value, or null for a DELETE. */
  public byte[] value() {
    checkValid();
    return cursor.valueCopy();
  }

  public int valueLength() {
    checkValid();
    return cursor.valueLength();
  }

  public long expireAtMillis() {
    checkValid();
    return cursor.expireAtMillis();
  }

  /**
   * The index of the data block holding the current entry, as in {@link SstLayout#blocks()}; for
   * inspection tools.
   */
  public int block() {
    checkValid();
    return block;
  }

  public SstEntry entry() {
    checkValid();
    return cursor.entry();
  }

  /**
   * Lets go of the blocks read ahead, so their memory is free once reads in flight arrive (they are
   * not cancelled: each still verifies its first block, so damage in it is reported). The iterator
   * is invalid until its next seek.
   */
  public void close() {
    valid = false;
    blocks.close();
  }

  private void seekTo(byte[] target) {
    int b = reader.index().find(target);
    if (b >= reader.index().count()) {
      valid = false;
      return;
    }
    enterBlock(b);
    cursor.seek(target);
    settle();
  }

  /** The entry before the first entry {@code >= bound}: found forward, then one step back. */
  private void seekBeforeBound(byte[] bound) {
    if (noBlocks()) {
      return;
    }
    int b = reader.index().find(bound);
    if (b >= reader.index().count()) {
      enterBlock(reader.index().count() - 1);
      cursor.seekToLast();
    } else {
      enterBlock(b);
      cursor.seek(bound);
      if (cursor.isValid()) {
        cursor.prev();
      } else {
        // Every key of block b sorts before the bound (its separator does not).
        cursor.seekToLast();
      }
    }
    settleBackward();
  }

  /** True, and the iterator invalid, if the table has no data blocks (only range tombstones). */
  private boolean noBlocks() {
    if (reader.index().count() > 0) {
      return false;
    }
    valid = false;
    return true;
  }

  private void enterBlock(int b) {
    valid = false;
    block = b;
    cursor.reset(blocks.block(b));
  }

  /** Moves forward to the first visible entry in bounds, or becomes invalid. */
  private void settle() {
    while (true) {
      if (!cursor.isValid()) {
        if (block + 1 >= reader.index().count()) {
          valid = false;
          return;
        }
        enterBlock(block + 1);
        cursor.seekToFirst();
        continue;
      }
      if (upper != null && cursor.compareKey(upper) >= 0) {
        valid = false;
        return;
      }
      if (cursor.seq() <= maxSeq) {
        valid = true;
        return;
      }
      cursor.next();
    }
  }

  /** Moves backward to the last visible entry in bounds, or becomes invalid. */
  private void settleBackward() {
    while (true) {
      if (!cursor.isValid()) {
        if (block <= 0) {
          valid = false;
          return;
        }
        enterBlock(block - 1);
        cursor.seekToLast();
        continue;
      }
      if (lower != null && cursor.compareKey(lower) < 0) {
        valid = false;
        return;
      }
      if (cursor.seq() <= maxSeq) {
        valid = true;
        return;
      }
      cursor.prev();
    }
  }

  private void checkValid() {
    if (!valid) {
      throw new IllegalStateException("iterator is not positioned on an entry");
    }
  }
}
