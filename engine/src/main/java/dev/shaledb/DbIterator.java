package dev.shaledb;

import java.util.Iterator;

/**
 * The keys of a range with their latest visible values, as of the moment the iterator was created:
 * later writes are not seen. A forward iterator ({@link Db#scan}) returns keys in ascending
 * unsigned-byte order, a reverse one ({@link Db#scanReverse}) in descending order; the direction is
 * fixed when the iterator is created. Not thread-safe. Holds on to the tables and memtables it
 * reads, so close it when done; using it after {@link #close()} throws {@link
 * dev.shaledb.error.DbClosedException}.
 *
 * <h2>Seeking</h2>
 *
 * <p>The seeks reposition the iterator anywhere in its range, any number of times, backwards or
 * forwards, also after it ran to its end. Each costs a binary search per memtable and table, never
 * a walk over the keys in between. What {@link #next()} returns after each (keys are compared as
 * unsigned bytes; "visible" means present at the iterator's sequence number, not deleted):
 *
 * <table>
 *   <caption>The key {@code next()} returns after a seek</caption>
 *   <tr><th>seek</th><th>forward iterator</th><th>reverse iterator</th></tr>
 *   <tr><td>{@link #seek(byte[]) seek(key)}</td><td>the first visible key {@code >= key}, then
 *       ascending</td><td>the last visible key {@code <= key}, then descending</td></tr>
 *   <tr><td>{@link #seekToFirst()}</td><td>the smallest visible key of the range, then
 *       ascending</td><td>the smallest visible key of the range, and nothing after it</td></tr>
 *   <tr><td>{@link #seekToLast()}</td><td>the largest visible key of the range, and nothing after
 *       it</td><td>the largest visible key of the range, then descending (where a new reverse
 *       iterator starts)</td></tr>
 * </table>
 *
 * <p>Seeks are clamped to the range: seeking before its start (forward) or past its end (reverse)
 * starts at that bound; seeking past the end (forward) or before the start (reverse) leaves nothing
 * ({@link #hasNext()} is false until the next seek). If no key qualifies, {@link #hasNext()} is
 * false.
 *
 * <p>Not supported: changing direction on one iterator (there is no {@code prev()}; open a reverse
 * iterator, or seek); seeing writes made after the iterator was created (open a new one).
 *
 * <p>An iterator that ran to its end without being closed releases its hold on the versions it
 * reads (so a drained, forgotten iterator does not hold compaction back). If it is then sought
 * again after garbage collection deleted a table it reads, it fails with {@link
 * dev.shaledb.error.SnapshotTooOldException} instead of resuming on newer tables: seek before the
 * end, or open a new iterator, when holding one for long.
 */
public interface DbIterator extends Iterator<KeyValue>, AutoCloseable {
  /**
   * Repositions the iterator at {@code key}: see the class comment for what {@link #next()}
   * returns.
   *
   * @throws NullPointerException if {@code key} is null (the iterator is unchanged)
   * @throws dev.shaledb.error.DbClosedException if the iterator or its database is closed
   */
  void seek(byte[] key);

  /**
   * Repositions the iterator so that {@link #next()} returns the smallest visible key of the range.
   *
   * @throws dev.shaledb.error.DbClosedException if the iterator or its database is closed
   */
  void seekToFirst();

  /**
   * Repositions the iterator so that {@link #next()} returns the largest visible key of the range.
   *
   * @throws dev.shaledb.error.DbClosedException if the iterator or its database is closed
   */
  void seekToLast();

  /** Releases what the iterator holds. Idempotent. */
  @Override
  void close();
}
