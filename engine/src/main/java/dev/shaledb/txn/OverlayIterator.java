package dev.shaledb.txn;

import dev.shaledb.DbIterator;
import dev.shaledb.KeyValue;
import dev.shaledb.error.DbClosedException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * A transaction's scan: the database's keys at the snapshot ({@code base}) with the transaction's
 * own writes in the range laid over them, in one direction. An own put replaces the base's value of
 * its key, an own delete hides it, own merge operands fold over it.
 *
 * <p>The seeks that {@link DbIterator} defines toward the far end of the direction ({@code
 * seekToLast} forward, {@code seekToFirst} reverse: "that key and nothing after it") take the first
 * key of an overlay in the other direction, since a merge cannot step backward.
 */
final class OverlayIterator implements DbIterator {
  private final DbIterator base;
  private final NavigableMap<byte[], OwnWrite> ascending;
  private final NavigableMap<byte[], OwnWrite> own;
  private final Function<Boolean, DbIterator> scan;
  private final OwnWrite.Folder folder;
  private final boolean reverse;
  private final Comparator<byte[]> order;
  private Iterator<Map.Entry<byte[], OwnWrite>> ownIt;
  private Map.Entry<byte[], OwnWrite> ownNext;
  private KeyValue baseNext;
  private KeyValue pending;
  private boolean onlyPending;
  private boolean closed;

  /**
   * @param ascending the own writes of the range, ascending; not changed afterwards
   * @param scan opens the base scan of the range, reverse if true
   * @param folder folds own merge operands over the base's value
   */
  OverlayIterator(
      NavigableMap<byte[], OwnWrite> ascending,
      Function<Boolean, DbIterator> scan,
      OwnWrite.Folder folder,
      boolean reverse) {
    this.ascending = ascending;
    this.folder = folder;
    this.own = reverse ? ascending.descendingMap() : ascending;
    this.scan = scan;
    this.reverse = reverse;
    this.order = reverse ? (a, b) -> Arrays.compareUnsigned(b, a) : Arrays::compareUnsigned;
    this.base = scan.apply(reverse);
    this.ownIt = own.entrySet().iterator();
  }

  @Override
  public boolean hasNext() {
    checkOpen();
    if (pending != null) {
      return true;
    }
    if (onlyPending) {
      return false;
    }
    while (true) {
      if (ownNext == null && ownIt.hasNext()) {
        ownNext = ownIt.next();
      }
      if (baseNext == null && base.hasNext()) {
        baseNext = base.next();
      }
      if (ownNext == null && baseNext == null) {
        return false;
      }
      int c =
          ownNext == null
              ? 1
              : baseNext == null ? -1 : order.compare(ownNext.getKey(), baseNext.key());
      if (c > 0) {
        pending = baseNext;
        baseNext = null;
        return true;
      }
      byte[] baseValue = null;
      if (c == 0) {
        baseValue = baseNext.value();
        baseNext = null; // the own write replaces, hides or folds over the base's version
      }
      Map.Entry<byte[], OwnWrite> e = ownNext;
      ownNext = null;
      byte[] value = e.getValue().over(e.getKey(), baseValue, folder);
      if (value != null) {
        pending = new KeyValue(e.getKey().clone(), value.clone());
        return true;
      }
    }
  }

  @Override
  public KeyValue next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    KeyValue kv = pending;
    pending = null;
    return kv;
  }

  @Override
  public void seek(byte[] key) {
    checkOpen();
    base.seek(key);
    reset(own.tailMap(key, true));
  }

  @Override
  public void seekToFirst() {
    checkOpen();
    if (reverse) {
      seekToFarEnd();
    } else {
      base.seekToFirst();
      reset(own);
    }
  }

  @Override
  public void seekToLast() {
    checkOpen();
    if (reverse) {
      base.seekToLast();
      reset(own);
    } else {
      seekToFarEnd();
    }
  }

  private void reset(NavigableMap<byte[], OwnWrite> from) {
    ownIt = from.entrySet().iterator();
    ownNext = null;
    baseNext = null;
    pending = null;
    onlyPending = false;
  }

  private void seekToFarEnd() {
    reset(own);
    try (OverlayIterator other = new OverlayIterator(ascending, scan, folder, !reverse)) {
      pending = other.hasNext() ? other.next() : null;
    }
    onlyPending = true;
  }

  private void checkOpen() {
    if (closed) {
      throw new DbClosedException("transaction iterator");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      base.close();
    }
  }
}
