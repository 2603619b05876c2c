package dev.shaledb.read;

import static java.util.Objects.requireNonNull;

import dev.shaledb.Db;
import dev.shaledb.DbIterator;
import dev.shaledb.KeyValue;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.SnapshotTooOldException;
import dev.shaledb.iterate.VisibleIterator;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The public face of a scan, and where its lifetime rule is kept (docs/protocol.md, "Lifetimes"). A
 * scan reads the tables of the manifest version current when it started. If garbage collection
 * deletes one of them meanwhile (the scan was held past the collector's {@code minAge} after a
 * compaction replaced the table), the table read fails with {@link SnapshotTooOldException}. A scan
 * that can be <em>resumed</em> then reopens on the latest tables at the same sequence number, in
 * the same direction, and repositions where it was: just past the last key it returned, or at the
 * last seek if it returned nothing since. Its owner guarantees that every version at that sequence
 * number survives compaction for as long as the scan is registered (the {@link Db} with compaction
 * in its process registers the scan's sequence number like a snapshot's, until it is closed or runs
 * to its end). Otherwise, or after {@link #MAX_RESUMES} resumes, the exception reaches the caller:
 * an error, never a wrong answer.
 */
public final class ScanIterator implements DbIterator {
  /** Reopens the scan's range, direction and sequence number on the latest tables, unpositioned. */
  @FunctionalInterface
  public interface Resume {
    VisibleIterator reopen();
  }

  public static final int MAX_RESUMES = 3;

  /** The last seek, replayed by a resume when no key was returned after it. */
  private enum LastSeek {
    NONE,
    FIRST,
    LAST,
    AT
  }

  private final Resume resume;
  private final Function<SnapshotTooOldException, RuntimeException> onTooOld;
  private final AutoCloseable onClose;
  private final BooleanSupplier ownerClosed;
  private VisibleIterator delegate;
  private LastSeek lastSeek = LastSeek.NONE;
  private byte[] seekKey;
  private byte[] lastKey;
  private int resumes;
  private boolean released;

  /**
   * @param resume how to reopen on the latest tables, or null if this scan cannot be resumed safely
   * @param onTooOld what to throw instead when the scan cannot go on
   * @param onClose released when the iterator is closed or exhausted (its sequence number
   *     registration), or null; once released, the scan is no longer resumed
   */
  public ScanIterator(
      VisibleIterator delegate,
      Resume resume,
      Function<SnapshotTooOldException, RuntimeException> onTooOld,
      AutoCloseable onClose,
      BooleanSupplier ownerClosed) {
    this.delegate = requireNonNull(delegate, "delegate is null");
    this.ownerClosed = requireNonNull(ownerClosed, "ownerClosed is null");
    this.resume = resume;
    this.onTooOld = requireNonNull(onTooOld, "onTooOld is null");
    this.onClose = onClose;
  }

  public ScanIterator(VisibleIterator delegate, BooleanSupplier ownerClosed) {
    this(delegate, null, e -> e, null, ownerClosed);
  }

  /**
   * @throws DbClosedException once the iterator, or the database or reader it reads, is closed
   */
  @Override
  public boolean hasNext() {
    checkOwner();
    while (true) {
      try {
        boolean more = delegate.hasNext();
        if (!more) {
          release();
        }
        return more;
      } catch (SnapshotTooOldException e) {
        if (resume == null || released || resumes >= MAX_RESUMES) {
          throw onTooOld.apply(e);
        }
        resumes++;
        delegate.close();
        delegate = resume.reopen();
        replayPosition();
      }
    }
  }

  @Override
  public KeyValue next() {
    hasNext(); // resumes if needed, so the delegate's next() finds its pending entry
    KeyValue kv = delegate.next();
    lastKey = kv.key();
    return kv;
  }

  @Override
  public void seek(byte[] key) {
    requireNonNull(key, "key is null");
    checkOwner();
    delegate.seek(key);
    remember(LastSeek.AT, key.clone());
  }

  @Override
  public void seekToFirst() {
    checkOwner();
    delegate.seekToFirst();
    remember(LastSeek.FIRST, null);
  }

  @Override
  public void seekToLast() {
    checkOwner();
    delegate.seekToLast();
    remember(LastSeek.LAST, null);
  }

  @Override
  public void close() {
    delegate.close();
    release();
  }

  private void remember(LastSeek seek, byte[] key) {
    lastSeek = seek;
    seekKey = key;
    lastKey = null;
  }

  /** Puts a reopened delegate where this scan was. */
  private void replayPosition() {
    if (lastKey != null) {
      delegate.seekPast(lastKey);
      return;
    }
    switch (lastSeek) {
      case FIRST -> delegate.seekToFirst();
      case LAST -> delegate.seekToLast();
      case AT -> delegate.seek(seekKey);
      case NONE -> {} // a fresh delegate starts where a new scan starts
    }
  }

  private void checkOwner() {
    if (ownerClosed.getAsBoolean()) {
      throw new DbClosedException("database");
    }
  }

  private void release() {
    if (released) {
      return;
    }
    released = true;
    if (onClose != null) {
      try {
        onClose.close();
      } catch (Exception e) {
        throw new IllegalStateException("releasing a scan failed", e);
      }
    }
  }
}
