package dev.shaledb.iterate;

import dev.shaledb.MergeOperator;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.support.Merges;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Decides what a reader sees of one key from the versions within its snapshot: the read-side rules
 * of merges and expiry, in one place for point reads and scans in either direction.
 *
 * <ul>
 *   <li>A PUT gives its value; a DELETE gives nothing.
 *   <li>A PUT or MERGE whose expiry is at or before {@code nowMillis} reads as a DELETE at its
 *       sequence number: an older value never shows through an expired one.
 *   <li>MERGE operands newer than the newest PUT or DELETE (the base; none if the versions run out)
 *       are folded over it with {@link MergeOperator#fullMerge}, oldest first.
 * </ul>
 *
 * <p>Versions are offered newest first ({@link #offerOlder}, as a forward scan or a point read
 * meets them) or oldest first ({@link #offerNewer}, as a reverse scan does); one key per {@link
 * #reset}. Values are not copied. Not thread-safe.
 */
public final class ValueFold {
  private final MergeOperator operator;
  private final long nowMillis;
  private final List<byte[]> operands = new ArrayList<>();
  private byte[] key;
  private boolean decided;
  // Whether operands were collected newest first (offerOlder) rather than oldest first.
  private boolean newestFirst;
  private byte[] base;
  private byte[] value;

  /**
   * @param operator folds operands; null when none is configured (then operands fail the read)
   * @param nowMillis the reader's clock: versions expiring at or before it are deleted
   */
  public ValueFold(MergeOperator operator, long nowMillis) {
    this.operator = operator;
    this.nowMillis = nowMillis;
  }

  /** Starts a new key. */
  public void reset(byte[] key) {
    this.key = key;
    operands.clear();
    decided = false;
    newestFirst = false;
    base = null;
    value = null;
  }

  /** Whether a version with this expiry has expired for this reader. */
  public boolean expired(long expireAtMillis) {
    return expireAtMillis != SstEntry.NO_EXPIRY && expireAtMillis <= nowMillis;
  }

  /**
   * Offers the next older version of the key; returns true once the value is decided, after which
   * older versions do not matter. A covering range tombstone is offered as a DELETE.
   */
  public boolean offerOlder(EntryKind kind, byte[] v, long expireAtMillis) {
    if (decided) {
      return true;
    }
    if (kind == EntryKind.MERGE && !expired(expireAtMillis)) {
      operands.add(v);
      newestFirst = true;
      return false;
    }
    decided = true;
    byte[] b = kind == EntryKind.PUT && !expired(expireAtMillis) ? v : null;
    if (operands.isEmpty()) {
      value = b;
    } else {
      Collections.reverse(operands); // collected newest first; the operator takes oldest first
      value = merge(b);
    }
    return true;
  }

  /** Offers the next newer version of the key (a reverse scan's order). */
  public void offerNewer(EntryKind kind, byte[] v, long expireAtMillis) {
    if (kind == EntryKind.MERGE && !expired(expireAtMillis)) {
      operands.add(v);
      return;
    }
    operands.clear();
    base = kind == EntryKind.PUT && !expired(expireAtMillis) ? v : null;
  }

  /**
   * The key's value after the versions offered, null if it has none. For {@link #offerOlder}
   * without a decision, the versions ran out: the operands fold over no base.
   */
  public byte[] result() {
    if (decided) {
      return value;
    }
    decided = true;
    if (newestFirst) {
      Collections.reverse(operands);
    }
    value = operands.isEmpty() ? base : merge(base);
    return value;
  }

  /** The operands, oldest first, folded over {@code b}. */
  private byte[] merge(byte[] b) {
    byte[] merged = Merges.fullMerge(operator, key, b, List.copyOf(operands));
    operands.clear();
    return merged;
  }
}
