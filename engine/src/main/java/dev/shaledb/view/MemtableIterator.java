package dev.shaledb.view;

import static java.util.Objects.requireNonNull;

import dev.shaledb.iterate.EntryIterator;
import dev.shaledb.sst.EntryKind;
import java.util.Iterator;
import java.util.NavigableSet;

/**
 * An iterator over a live {@link Memtable}'s versions with {@code seq <= maxSeq}, in internal
 * order; it starts unpositioned. Not thread-safe, though the memtable may take adds while it runs.
 *
 * <p>Invariants: {@code current}, when set, is a node with {@code seq <= maxSeq}; the cursor walks
 * the skip list in the direction of the last seek only, so {@link #next()} after a backward seek
 * and {@link #prev()} after a forward one are refused. Versions added later with a higher sequence
 * number never appear.
 */
final class MemtableIterator implements EntryIterator {
  private final NavigableSet<MemtableNode> entries;
  private final long maxSeq;
  private Iterator<MemtableNode> cursor;
  private MemtableNode current;
  // Copies out of the arena, made once per position: merging iterators ask for the key often.
  private byte[] currentKey;
  private byte[] currentValue;
  // The direction of the last seek: the cursor walks the skip list one way only.
  private boolean backward;

  MemtableIterator(NavigableSet<MemtableNode> entries, long maxSeq) {
    this.entries = entries;
    this.maxSeq = maxSeq;
  }

  @Override
  public boolean isValid() {
    return current != null;
  }

  @Override
  public void next() {
    checkValid();
    if (backward) {
      throw new IllegalStateException("next() after a backward seek");
    }
    settle();
  }

  @Override
  public void prev() {
    checkValid();
    if (!backward) {
      throw new IllegalStateException("prev() after a forward seek");
    }
    settle();
  }

  @Override
  public void seekToFirst() {
    backward = false;
    cursor = entries.iterator();
    settle();
  }

  @Override
  public void seekToLast() {
    backward = true;
    cursor = entries.descendingIterator();
    settle();
  }

  @Override
  public void seekBefore(byte[] target) {
    requireNonNull(target, "target is null");
    backward = true;
    // (target, MAX_VALUE) sorts before every version of the target: the head set is keys < it.
    cursor =
        entries.headSet(MemtableNode.probe(target, Long.MAX_VALUE), false).descendingIterator();
    settle();
  }

  @Override
  public void seek(byte[] target) {
    requireNonNull(target, "target is null");
    backward = false;
    // Starting at (target, maxSeq) skips the target's invisible versions without visiting them.
    cursor = entries.tailSet(MemtableNode.probe(target, maxSeq), true).iterator();
    settle();
  }

  /** Moves to the cursor's next visible node, or clears {@code current} at the end. */
  private void settle() {
    while (cursor.hasNext()) {
      MemtableNode n = cursor.next();
      if (n.seq <= maxSeq) {
        current = n;
        currentKey = null;
        currentValue = null;
        return;
      }
    }
    current = null;
    currentKey = null;
    currentValue = null;
  }

  @Override
  public byte[] key() {
    checkValid();
    if (currentKey == null) {
      currentKey = current.key();
    }
    return currentKey;
  }

  @Override
  public long seq() {
    checkValid();
    return current.seq;
  }

  @Override
  public EntryKind kind() {
    checkValid();
    return current.kind;
  }

  @Override
  public byte[] value() {
    checkValid();
    if (currentValue == null) {
      currentValue = current.value();
    }
    return currentValue;
  }

  @Override
  public long expireAtMillis() {
    checkValid();
    return current.expireAtMillis;
  }

  private void checkValid() {
    if (current == null) {
      throw new IllegalStateException("iterator is not positioned on an entry");
    }
  }
}
