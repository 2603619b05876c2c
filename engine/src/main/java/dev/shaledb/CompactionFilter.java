package dev.shaledb;

import static java.util.Objects.requireNonNull;

/**
 * A user hook that compaction asks about values as it rewrites tables: keep a value, remove it, or
 * replace it. Typical uses: dropping data by a rule (a retired tenant's prefix, a tombstone field
 * in the value), or rewriting values to a new encoding in the background.
 *
 * <p><b>Safe with snapshots.</b> Compaction asks only about a key's newest value at or below the
 * oldest sequence number any open snapshot, transaction or checkpoint reads at, never about a
 * version a snapshot still tells apart from its successors; so an open snapshot never sees a
 * filter's effect, and a later reader sees it as if the change had been written at the value's
 * sequence number. A removed value becomes a delete at that sequence number, so an older version
 * never shows through. The filter is not asked about merge operands that could not be folded, nor
 * about deletes, and each value is asked about once per compaction that rewrites it, possibly again
 * by a later one (decisions must be idempotent). When it is asked is not a promise: a value may
 * stay uncompacted indefinitely.
 *
 * <p>Runs on compaction threads, several at once: implementations must be thread-safe. An exception
 * fails the compaction, which is retried later; no data changes until one succeeds.
 */
@FunctionalInterface
public interface CompactionFilter {
  /** What compaction does with one value. */
  Decision filter(Entry entry);

  /**
   * One value compaction met.
   *
   * @param key the key; must not be modified
   * @param value the value; must not be modified
   * @param seq its sequence number
   * @param expireAtMillis when it expires, or -1 if never
   * @param bottom whether the compaction writes the bottom of the tree (no older data below)
   */
  record Entry(byte[] key, byte[] value, long seq, long expireAtMillis, boolean bottom) {}

  /**
   * Keep the value, remove it, or replace it with {@link #value()} (same key, sequence number and
   * expiry).
   */
  record Decision(Action action, byte[] value) {
    /** Keep the value as it is. */
    public static final Decision KEEP = new Decision(Action.KEEP, null);

    /** Remove the value: the key reads as deleted from its sequence number on. */
    public static final Decision REMOVE = new Decision(Action.REMOVE, null);

    public Decision {
      requireNonNull(action, "action is null");
      if ((action == Action.CHANGE) != (value != null)) {
        throw new IllegalArgumentException("exactly a CHANGE carries a value");
      }
    }

    /** Replace the value with {@code value} (at most 16 MiB; not copied, so do not change it). */
    public static Decision change(byte[] value) {
      return new Decision(Action.CHANGE, requireNonNull(value, "value is null"));
    }
  }

  /** What a {@link Decision} does. */
  enum Action {
    KEEP,
    REMOVE,
    CHANGE
  }
}
