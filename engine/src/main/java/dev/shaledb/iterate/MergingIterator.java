package dev.shaledb.iterate;

import static java.util.Objects.requireNonNull;

import dev.shaledb.sst.EntryKind;
import java.util.Arrays;
import java.util.List;

/**
 * Merges several {@link EntryIterator}s into one in internal order (key ascending, then sequence
 * number descending), with a binary heap of the children's current positions.
 *
 * <p>Children are listed newest source first. A version {@code (key, seq)} present in several
 * children (a memtable and the table it was flushed to, for a moment) is returned once, from the
 * earliest child; the copies are skipped. Closing the merge closes every child.
 *
 * <p>After {@link #seekToLast()} or {@link #seekBefore(byte[])} the heap is a max-heap: entries
 * come in reverse internal order (key descending, sequence number ascending), and {@link #prev()}
 * moves on. A merge moves only in the direction of its last seek (re-seeking every child is what
 * turning around would cost, so callers re-seek instead).
 *
 * <p>Not thread-safe.
 */
public final class MergingIterator implements EntryIterator {
  private final EntryIterator[] children;
  // The heap holds child indexes, ordered by (key asc, seq desc, child index asc); the current
  // key and seq of each child are cached so comparisons make no interface calls.
  private final int[] heap;
  private final byte[][] keys;
  private final long[] seqs;
  private final long[] maxSeqs; // null: no child may be skipped
  private int size;
  private boolean backward;
  private boolean closed;

  /** Merges {@code children}, newest source first. The list is copied; the merge owns them. */
  public MergingIterator(List<? extends EntryIterator> children) {
    this(children, null);
  }

  /**
   * Merges {@code children}, newest source first, where {@code maxSeqs[i]} bounds the sequence
   * numbers child {@code i} holds ({@link Long#MAX_VALUE} if unknown), so that {@link #skipOlder}
   * can move the children older than a range tombstone past the keys it covers.
   */
  public MergingIterator(List<? extends EntryIterator> children, long[] maxSeqs) {
    requireNonNull(children, "children is null");
    this.children = children.toArray(new EntryIterator[0]);
    for (EntryIterator child : this.children) {
      requireNonNull(child, "a child is null");
    }
    if (maxSeqs != null && maxSeqs.length != this.children.length) {
      throw new IllegalArgumentException(
          maxSeqs.length + " bounds for " + this.children.length + " children");
    }
    this.maxSeqs = maxSeqs == null ? null : maxSeqs.clone();
    this.heap = new int[this.children.length];
    this.keys = new byte[this.children.length][];
    this.seqs = new long[this.children.length];
  }

  @Override
  public boolean isValid() {
    return size > 0;
  }

  @Override
  public void seekToFirst() {
    backward = false;
    for (EntryIterator child : children) {
      child.prepareSeek(null);
    }
    for (EntryIterator child : children) {
      child.seekToFirst();
    }
    rebuild();
  }

  @Override
  public void seek(byte[] target) {
    requireNonNull(target, "target is null");
    backward = false;
    for (EntryIterator child : children) {
      child.prepareSeek(target);
    }
    for (EntryIterator child : children) {
      child.seek(target);
    }
    rebuild();
  }

  @Override
  public void seekToLast() {
    backward = true;
    for (EntryIterator child : children) {
      child.seekToLast();
    }
    rebuild();
  }

  @Override
  public void seekBefore(byte[] target) {
    requireNonNull(target, "target is null");
    backward = true;
    for (EntryIterator child : children) {
      child.seekBefore(target);
    }
    rebuild();
  }

  @Override
  public void next() {
    checkValid();
    if (backward) {
      throw new IllegalStateException("next() after a backward seek");
    }
    step();
  }

  @Override
  public void prev() {
    checkValid();
    if (!backward) {
      throw new IllegalStateException("prev() after a forward seek");
    }
    step();
  }

  /** Moves the root child one entry in the merge's direction, past copies of its entry. */
  private void step() {
    int top = heap[0];
    skipCopiesOf(top);
    move(top);
    if (load(top)) {
      siftDown(0);
    } else {
      removeAt(0);
    }
  }

  /**
   * Moves each child whose versions are all older than {@code seq} and which is still short of
   * {@code target} to it, then restores the heap: the reads of those children start together, as
   * for a seek. Children are never moved backward (forward) or forward (backward) of where they
   * are, so nothing already passed is returned again.
   */
  @Override
  public void skipOlder(long seq, byte[] target) {
    requireNonNull(target, "target is null");
    checkValid();
    if (maxSeqs == null) {
      return;
    }
    int moved = 0;
    int[] toMove = new int[size];
    for (int i = 0; i < size; i++) {
      int c = heap[i];
      int cmp = Arrays.compareUnsigned(keys[c], target);
      if (maxSeqs[c] < seq && (backward ? cmp >= 0 : cmp < 0)) {
        toMove[moved++] = c;
      }
    }
    if (moved == 0) {
      return;
    }
    for (int i = 0; i < moved && !backward; i++) {
      children[toMove[i]].prepareSeek(target);
    }
    for (int i = 0; i < moved; i++) {
      if (backward) {
        children[toMove[i]].seekBefore(target);
      } else {
        children[toMove[i]].seek(target);
      }
    }
    int kept = 0;
    for (int i = 0; i < size; i++) {
      if (load(heap[i])) {
        heap[kept++] = heap[i];
      }
    }
    size = kept;
    for (int i = size / 2 - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  @Override
  public byte[] key() {
    checkValid();
    return keys[heap[0]];
  }

  @Override
  public long seq() {
    checkValid();
    return seqs[heap[0]];
  }

  @Override
  public EntryKind kind() {
    checkValid();
    return children[heap[0]].kind();
  }

  @Override
  public byte[] value() {
    checkValid();
    return children[heap[0]].value();
  }

  @Override
  public long expireAtMillis() {
    checkValid();
    return children[heap[0]].expireAtMillis();
  }

  /** Closes every child, even if some fail; rethrows the first failure. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    size = 0;
    RuntimeException failure = null;
    for (EntryIterator child : children) {
      try {
        child.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Advances the other children positioned on the root's (key, seq). Copies sort right after the
   * root (ties break by child index), so while one exists the second smallest entry, a child of the
   * root, is a copy. Sequence numbers are compared first: they rarely match, so the usual cost is
   * two long comparisons.
   */
  private void skipCopiesOf(int top) {
    long seq = seqs[top];
    byte[] key = keys[top];
    while (true) {
      int at = -1;
      for (int j = 1; j <= 2 && j < size; j++) {
        int c = heap[j];
        if (seqs[c] == seq && Arrays.equals(keys[c], key)) {
          at = j;
          break;
        }
      }
      if (at < 0) {
        return;
      }
      int copy = heap[at];
      move(copy);
      if (load(copy)) {
        siftDown(at);
      } else {
        removeAt(at);
      }
    }
  }

  private void move(int c) {
    if (backward) {
      children[c].prev();
    } else {
      children[c].next();
    }
  }

  /** Caches child {@code c}'s position; returns whether it is valid. */
  private boolean load(int c) {
    EntryIterator child = children[c];
    if (!child.isValid()) {
      keys[c] = null;
      return false;
    }
    keys[c] = child.key();
    seqs[c] = child.seq();
    return true;
  }

  private void rebuild() {
    size = 0;
    for (int c = 0; c < children.length; c++) {
      if (load(c)) {
        heap[size++] = c;
      }
    }
    for (int i = size / 2 - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  private void removeAt(int i) {
    size--;
    if (i == size) {
      return;
    }
    heap[i] = heap[size];
    siftDown(i);
    siftUp(i);
  }

  private void siftDown(int i) {
    int c = heap[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && less(heap[child + 1], heap[child])) {
        child++;
      }
      if (!less(heap[child], c)) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = c;
  }

  private void siftUp(int i) {
    int c = heap[i];
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (!less(c, heap[parent])) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = c;
  }

  /**
   * Whether child {@code a}'s entry comes before child {@code b}'s in the merge's direction; ties
   * (copies) break by child index either way, so copies stay adjacent to the root.
   */
  private boolean less(int a, int b) {
    int cmp = Arrays.compareUnsigned(keys[a], keys[b]);
    if (cmp != 0) {
      return backward ? cmp > 0 : cmp < 0;
    }
    if (seqs[a] != seqs[b]) {
      return backward ? seqs[a] < seqs[b] : seqs[a] > seqs[b];
    }
    return a < b;
  }

  private void checkValid() {
    if (size == 0) {
      throw new IllegalStateException("iterator is not positioned on an entry");
    }
  }
}
