package dev.shaledb.iterate;

import dev.shaledb.sst.EntryKind;

/**
 * A cursor over versions of keys in internal order: key ascending by unsigned bytes ({@link
 * java.util.Arrays#compareUnsigned(byte[], byte[])}), then sequence number descending, so the
 * newest version of a key comes first. Sources that filter by a snapshot do so before an entry
 * reaches this interface.
 *
 * <p>An iterator starts unpositioned: call a seek first. It moves in the direction of its last
 * seek: after {@link #seekToFirst()} or {@link #seek(byte[])} forward with {@link #next()}; after
 * {@link #seekToLast()} or {@link #seekBefore(byte[])} backward with {@link #prev()}, in reverse
 * internal order (key descending, then sequence number <em>ascending</em>: the oldest version of a
 * key comes first). Moving against the last seek's direction is unsupported (a merge could not keep
 * its heap): implementations may throw {@link IllegalStateException}. The accessors, {@link
 * #next()} and {@link #prev()} require {@link #isValid()}; implementations throw {@link
 * IllegalStateException} otherwise. Every seek costs O(log n) in its source, never a linear skip.
 *
 * <p>The arrays returned by {@link #key()} and {@link #value()} are not copied, for speed: callers
 * must not modify them. In return, implementations never modify an array once returned, so it stays
 * valid after the iterator moves on or is closed (callers may keep a reference).
 *
 * <p>Not thread-safe.
 */
public interface EntryIterator extends AutoCloseable {
  /** Whether the iterator is on an entry; false before the first seek and past the end. */
  boolean isValid();

  /** Moves to the next version in internal order. Requires {@link #isValid()}. */
  void next();

  /** Positions at the first version, or becomes invalid if there is none. */
  void seekToFirst();

  /** Positions at the first version whose key is {@code >= target} (unsigned bytes). */
  void seek(byte[] target);

  /**
   * Says that {@link #seek(byte[])} of {@code target} (or {@link #seekToFirst()}, if null) comes
   * next: a source that reads from the store starts the read of what that seek needs now, so the
   * sources of a merge wait for their reads together instead of one after another. Changes no
   * position; the default does nothing.
   */
  default void prepareSeek(byte[] target) {}

  /**
   * Says that versions older than {@code seq} of the keys from the current position up to {@code
   * target} are hidden (a range tombstone at {@code seq} covers them): moving forward, keys {@code
   * < target}; after a backward seek, keys {@code >= target}. A source made of parts that each hold
   * only versions older than {@code seq} may move those parts to {@code target} (forward: its first
   * version {@code >= target}; backward: its last {@code < target}), so whole blocks and tables of
   * deleted keys are never read. Requires {@link #isValid()}; what the current entry is may change.
   * The default does nothing.
   */
  default void skipOlder(long seq, byte[] target) {}

  /** Positions at the last version (the oldest of the largest key), or becomes invalid. */
  void seekToLast();

  /**
   * Positions at the last version whose key is {@code < target} (the oldest version of the largest
   * such key), or becomes invalid. "Last {@code <= k}" is {@code seekBefore(k + 0x00)}.
   */
  void seekBefore(byte[] target);

  /** Moves to the previous version in internal order. Requires {@link #isValid()}. */
  void prev();

  /** The current key; not copied, so callers must not modify it. */
  byte[] key();

  /** The current version's sequence number. */
  long seq();

  /** The current version's kind. */
  EntryKind kind();

  /** The current value (a MERGE's operand), null for a {@link EntryKind#DELETE}; not copied. */
  byte[] value();

  /**
   * When the current version expires, in milliseconds since the epoch, or {@link
   * dev.shaledb.sst.SstEntry#NO_EXPIRY}.
   */
  long expireAtMillis();

  /** Releases what the iterator holds; idempotent. The default holds nothing. */
  @Override
  default void close() {}
}
