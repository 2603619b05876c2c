package dev.shaledb.iterate;

import static java.util.Objects.requireNonNull;

import dev.shaledb.KeyValue;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.SstEntry;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * What a user sees of a range at a snapshot: for each key in {@code [startInclusive, endExclusive)}
 * the value its versions with {@code seq <= maxSeq} give under {@link ValueFold}'s rules (the
 * newest PUT, merge operands folded over it, nothing after a DELETE or an expired value), leaving
 * out keys without a value. Keys come in ascending unsigned-byte order, or descending for a reverse
 * iterator; each {@link KeyValue} holds fresh copies of the arrays.
 *
 * <p>Forward, the versions of a key arrive newest first and the first one within the snapshot
 * decides. In reverse they arrive oldest first, so every version of the key is read and the last
 * one within the snapshot decides; a DELETE there hides the key.
 *
 * <p>Positioning is lazy: the constructor and the seeks only record where to start, and the first
 * {@link #hasNext()} after them seeks the source once (O(log n) per source). Seeks are clamped to
 * the range. {@link #seekToFirst()} and {@link #seekToLast()} name keys, not directions: after them
 * {@link #next()} returns the smallest, respectively largest, visible key of the range; a forward
 * iterator then goes on after it, a reverse one before it. When that is against the iterator's
 * direction (the first key of a reverse scan, the last of a forward one), the key is found by
 * walking the other way from the bound and is the only one left.
 *
 * <p>The iterator owns its source: {@link #close()} closes it. After close every method but close
 * throws {@link DbClosedException}. Not thread-safe.
 */
public final class VisibleIterator implements Iterator<KeyValue>, AutoCloseable {
  /** The range tombstones of the sources: a delete at a sequence number over a key range. */
  @FunctionalInterface
  public interface Tombstones {
    /** None. */
    Tombstones NONE = (key, maxSeq) -> -1;

    /** The highest sequence number {@code <= maxSeq} of a tombstone covering {@code key}, or -1. */
    long coveringSeq(byte[] key, long maxSeq);

    /**
     * The exclusive end of keys from {@code key} on that tombstones with a seq in {@code [seq,
     * maxSeq]} cover without a gap, or null if unknown; the default knows none.
     */
    default byte[] coveredUntil(byte[] key, long seq, long maxSeq) {
      return null;
    }

    /** The inclusive start of such keys up to {@code key}, or null; for reverse scans. */
    default byte[] coveredFrom(byte[] key, long seq, long maxSeq) {
      return null;
    }
  }

  /** Where the next {@link #hasNext()} positions the source. */
  private enum Seek {
    FIRST,
    LAST,
    AT,
    AFTER
  }

  private final EntryIterator source;
  private final byte[] start;
  private final byte[] end;
  private final long maxSeq;
  private final boolean reverse;
  private final ValueFold fold;
  private final Tombstones tombstones;
  private Seek seek;
  private byte[] seekKey;
  private boolean exhausted;
  private boolean closed;
  private KeyValue pending;
  // The last span skipCovered asked about: keys within it at the same seq ask nothing more.
  private long skipSeq = -1;
  private byte[] skipTarget;

  /**
   * A forward iterator; see {@link #VisibleIterator(EntryIterator, byte[], byte[], long, boolean)}.
   */
  public VisibleIterator(
      EntryIterator source, byte[] startInclusive, byte[] endExclusive, long maxSeq) {
    this(source, startInclusive, endExclusive, maxSeq, false);
  }

  /** An iterator over data without merge operands or expiry (tests). */
  public VisibleIterator(
      EntryIterator source,
      byte[] startInclusive,
      byte[] endExclusive,
      long maxSeq,
      boolean reverse) {
    this(
        source,
        startInclusive,
        endExclusive,
        maxSeq,
        reverse,
        new ValueFold(null, Long.MIN_VALUE),
        Tombstones.NONE);
  }

  /**
   * @param source an unpositioned source in internal order; it may hold versions above {@code
   *     maxSeq}, which are skipped
   * @param startInclusive the first key of the range, or null for unbounded; not copied
   * @param endExclusive the key after the range, or null for unbounded; not copied
   * @param maxSeq the snapshot: versions with a higher sequence number are invisible
   * @param reverse whether keys come in descending order (from the end of the range)
   * @param fold the merge operator and the clock of this scan (one moment for the whole scan)
   * @param tombstones the range tombstones of the source's data: each hides the versions older than
   *     it of the keys it covers, as a delete of each would
   */
  public VisibleIterator(
      EntryIterator source,
      byte[] startInclusive,
      byte[] endExclusive,
      long maxSeq,
      boolean reverse,
      ValueFold fold,
      Tombstones tombstones) {
    this.source = requireNonNull(source, "source is null");
    this.fold = requireNonNull(fold, "fold is null");
    this.tombstones = requireNonNull(tombstones, "tombstones is null");
    this.start = startInclusive;
    this.end = endExclusive;
    this.maxSeq = maxSeq;
    this.reverse = reverse;
    this.seek = reverse ? Seek.LAST : Seek.FIRST;
    this.exhausted = start != null && end != null && Arrays.compareUnsigned(start, end) >= 0;
  }

  /** Whether keys come in descending order. */
  public boolean reverse() {
    return reverse;
  }

  /**
   * Repositions: forward, {@link #next()} then returns the first visible key {@code >= key};
   * reverse, the last {@code <= key}; either clamped to the range.
   *
   * @throws NullPointerException if {@code key} is null
   * @throws DbClosedException if the iterator is closed
   */
  public void seek(byte[] key) {
    requireNonNull(key, "key is null");
    reposition(Seek.AT, key);
  }

  /** Repositions so that {@link #next()} returns the smallest visible key of the range. */
  public void seekToFirst() {
    reposition(Seek.FIRST, null);
  }

  /** Repositions so that {@link #next()} returns the largest visible key of the range. */
  public void seekToLast() {
    reposition(Seek.LAST, null);
  }

  /**
   * Repositions so that {@link #next()} returns the first visible key after {@code key} in this
   * iterator's direction: how a resumed scan goes on from the last key it returned.
   */
  public void seekPast(byte[] key) {
    requireNonNull(key, "key is null");
    reposition(Seek.AFTER, key);
  }

  private void reposition(Seek where, byte[] key) {
    checkOpen();
    seek = where;
    seekKey = key;
    pending = null;
    skipTarget = null;
    exhausted = start != null && end != null && Arrays.compareUnsigned(start, end) >= 0;
  }

  /**
   * @throws DbClosedException if the iterator is closed
   */
  @Override
  public boolean hasNext() {
    checkOpen();
    if (pending == null && !exhausted) {
      pending = seek != null ? positioned() : step();
      if (pending == null) {
        exhausted = true;
      }
    }
    return pending != null;
  }

  /**
   * @throws NoSuchElementException past the last key
   * @throws DbClosedException if the iterator is closed
   */
  @Override
  public KeyValue next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more keys in the range");
    }
    KeyValue out = pending;
    pending = null;
    return out;
  }

  /** Closes the source. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    pending = null;
    source.close();
  }

  /** Applies the recorded seek; returns the first visible key-value from there, or null. */
  private KeyValue positioned() {
    Seek where = seek;
    byte[] key = seekKey;
    seek = null;
    seekKey = null;
    if (where == (reverse ? Seek.FIRST : Seek.LAST)) {
      // The far end of the range: the only key left, found walking toward it from its bound.
      KeyValue only = reverse ? forwardFrom(start) : backwardFrom(end);
      exhausted = true;
      return only;
    }
    if (!reverse) {
      byte[] from =
          switch (where) {
            case FIRST -> null;
            case AT -> key;
            default -> successor(key); // AFTER
          };
      return forwardFrom(max(from, start));
    }
    byte[] before =
        switch (where) {
          case LAST -> null;
          case AT -> successor(key); // last <= key is the last < key + 0x00
          default -> key; // AFTER
        };
    return backwardFrom(min(before, end));
  }

  /** Seeks the source to the first version {@code >= from} (null: the first) and steps. */
  private KeyValue forwardFrom(byte[] from) {
    if (from == null) {
      source.seekToFirst();
    } else {
      source.seek(from);
    }
    return forward();
  }

  /** Seeks the source to the last version {@code < before} (null: the last) and steps. */
  private KeyValue backwardFrom(byte[] before) {
    if (before == null) {
      source.seekToLast();
    } else {
      source.seekBefore(before);
    }
    return backward();
  }

  private KeyValue step() {
    return reverse ? backward() : forward();
  }

  /** The next visible key-value at or after the source's position, or null past the range. */
  private KeyValue forward() {
    while (source.isValid()) {
      byte[] key = source.key();
      if (end != null && Arrays.compareUnsigned(key, end) >= 0) {
        return null;
      }
      // Versions of a key come newest first: the first one within the snapshot decides, unless
      // it is a merge operand, which folds with the older ones.
      fold.reset(key);
      long deletedAt = tombstones.coveringSeq(key, maxSeq);
      boolean decided = false;
      long previous = -1;
      do {
        long seq = source.seq();
        // Two sources may hold the same version for a moment (see ReadPath.fold): offer it once.
        boolean again = seq == previous;
        previous = seq;
        if (!decided && !again && seq <= maxSeq) {
          // A range tombstone newer than this version decides first, as a delete.
          decided =
              seq < deletedAt
                  ? fold.offerOlder(EntryKind.DELETE, null, SstEntry.NO_EXPIRY)
                  : fold.offerOlder(source.kind(), source.value(), source.expireAtMillis());
        }
        source.next();
      } while (source.isValid() && sameKey(key));
      if (!decided && deletedAt >= 0) {
        fold.offerOlder(EntryKind.DELETE, null, SstEntry.NO_EXPIRY);
      }
      if (deletedAt > 0 && source.isValid()) {
        skipCovered(key, deletedAt);
      }
      byte[] value = fold.result();
      if (value != null) {
        return new KeyValue(key.clone(), value.clone());
      }
    }
    return null;
  }

  /**
   * After a key a tombstone at {@code deletedAt} covers: lets the source jump its older parts past
   * the rest of the covered span instead of stepping through every key in it (issue 19: reads
   * honour range deletes without visiting every covered key). Asked once per span and seq.
   */
  private void skipCovered(byte[] key, long deletedAt) {
    boolean sameSpan =
        skipSeq == deletedAt
            && skipTarget != null
            && (reverse
                ? Arrays.compareUnsigned(key, skipTarget) >= 0
                : Arrays.compareUnsigned(key, skipTarget) < 0);
    if (sameSpan) {
      return;
    }
    byte[] target =
        reverse
            ? tombstones.coveredFrom(key, deletedAt, maxSeq)
            : tombstones.coveredUntil(key, deletedAt, maxSeq);
    skipSeq = deletedAt;
    skipTarget = target;
    if (target == null) {
      return;
    }
    byte[] at = source.key();
    boolean ahead =
        reverse ? Arrays.compareUnsigned(at, target) >= 0 : Arrays.compareUnsigned(at, target) < 0;
    if (ahead) {
      source.skipOlder(deletedAt, target);
    }
  }

  /**
   * The previous visible key-value at or before the source's position, or null before the range.
   */
  private KeyValue backward() {
    while (source.isValid()) {
      byte[] key = source.key();
      if (start != null && Arrays.compareUnsigned(key, start) < 0) {
        return null;
      }
      // Versions of a key come oldest first: the last one within the snapshot decides, merge
      // operands folding over what came before. Arrays the source returned stay valid after it
      // moves on, so only the result is copied.
      fold.reset(key);
      long deletedAt = tombstones.coveringSeq(key, maxSeq);
      long covering = deletedAt;
      long previous = -1;
      do {
        long seq = source.seq();
        boolean again = seq == previous;
        previous = seq;
        if (!again && seq <= maxSeq) {
          if (seq >= deletedAt && deletedAt >= 0) {
            fold.offerNewer(EntryKind.DELETE, null, SstEntry.NO_EXPIRY);
            deletedAt = -1; // offered
          }
          fold.offerNewer(source.kind(), source.value(), source.expireAtMillis());
        }
        source.prev();
      } while (source.isValid() && sameKey(key));
      if (deletedAt >= 0) {
        fold.offerNewer(EntryKind.DELETE, null, SstEntry.NO_EXPIRY);
      }
      if (covering > 0 && source.isValid()) {
        skipCovered(key, covering);
      }
      byte[] value = fold.result();
      if (value != null) {
        return new KeyValue(key.clone(), value.clone());
      }
    }
    return null;
  }

  /** Whether the source is on {@code key}; the source's key array is compared, not copied. */
  private boolean sameKey(byte[] key) {
    byte[] current = source.key();
    return current == key || Arrays.equals(current, key);
  }

  /** The smallest key after {@code key} in unsigned byte order. */
  public static byte[] successor(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }

  private static byte[] max(byte[] a, byte[] b) {
    if (a == null) {
      return b;
    }
    return b == null || Arrays.compareUnsigned(a, b) >= 0 ? a : b;
  }

  /** The smaller bound, where null means unbounded above. */
  private static byte[] min(byte[] a, byte[] b) {
    if (a == null) {
      return b;
    }
    return b == null || Arrays.compareUnsigned(a, b) <= 0 ? a : b;
  }

  private void checkOpen() {
    if (closed) {
      throw new DbClosedException("iterator");
    }
  }
}
