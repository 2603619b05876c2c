package dev.shaledb.iterate;

import static java.util.Objects.requireNonNull;

import dev.shaledb.KeyValue;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.sst.EntryKind;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * What a user sees of a range at a snapshot: for each key in {@code [startInclusive, endExclusive)}
 * the newest version with {@code seq <= maxSeq}, leaving out keys whose newest such version is a
 * DELETE. Keys come in ascending unsigned-byte order; each {@link KeyValue} holds fresh copies of
 * the arrays.
 *
 * <p>The iterator seeks its source on first use and owns it: {@link #close()} closes it. After
 * close, {@link #hasNext()} and {@link #next()} throw {@link DbClosedException}. Not thread-safe.
 */
public final class VisibleIterator implements Iterator<KeyValue>, AutoCloseable {
  private final EntryIterator source;
  private final byte[] start;
  private final byte[] end;
  private final long maxSeq;
  private boolean started;
  private boolean exhausted;
  private boolean closed;
  private KeyValue pending;

  /**
   * @param source an unpositioned source in internal order; it may hold versions above {@code
   *     maxSeq}, which are skipped
   * @param startInclusive the first key of the range, or null for unbounded; not copied
   * @param endExclusive the key after the range, or null for unbounded; not copied
   * @param maxSeq the snapshot: versions with a higher sequence number are invisible
   */
  public VisibleIterator(
      EntryIterator source, byte[] startInclusive, byte[] endExclusive, long maxSeq) {
    this.source = requireNonNull(source, "source is null");
    this.start = startInclusive;
    this.end = endExclusive;
    this.maxSeq = maxSeq;
  }

  /**
   * @throws DbClosedException if the iterator is closed
   */
  @Override
  public boolean hasNext() {
    checkOpen();
    if (pending == null && !exhausted) {
      pending = advance();
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

  /** The next visible key-value, or null at the end of the range (then marks it exhausted). */
  private KeyValue advance() {
    if (!started) {
      started = true;
      if (start != null && end != null && Arrays.compareUnsigned(start, end) >= 0) {
        exhausted = true;
        return null;
      }
      if (start == null) {
        source.seekToFirst();
      } else {
        source.seek(start);
      }
    }
    while (source.isValid()) {
      byte[] key = source.key();
      if (end != null && Arrays.compareUnsigned(key, end) >= 0) {
        break;
      }
      KeyValue visible = null;
      boolean decided = false;
      // Versions of a key come newest first: the first one within the snapshot decides.
      do {
        if (!decided && source.seq() <= maxSeq) {
          decided = true;
          if (source.kind() == EntryKind.PUT) {
            visible = new KeyValue(key.clone(), source.value().clone());
          }
        }
        source.next();
      } while (source.isValid() && sameKey(key));
      if (visible != null) {
        return visible;
      }
    }
    exhausted = true;
    return null;
  }

  /** Whether the source is on {@code key}; the source's key array is compared, not copied. */
  private boolean sameKey(byte[] key) {
    byte[] current = source.key();
    return current == key || Arrays.equals(current, key);
  }

  private void checkOpen() {
    if (closed) {
      throw new DbClosedException("iterator");
    }
  }
}
