package dev.shaledb.read;

import dev.shaledb.Db;
import dev.shaledb.DbIterator;
import dev.shaledb.KeyValue;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.SnapshotTooOldException;
import dev.shaledb.iterate.VisibleIterator;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The public face of a scan, and where its lifetime rule is kept (docs/protocol.md, "Lifetimes"). A
 * scan reads the tables of the manifest version current when it started. If garbage collection
 * deletes one of them meanwhile (the scan was held past the collector's {@code minAge} after a
 * compaction replaced the table), the table read fails with {@link SnapshotTooOldException}. A scan
 * that can be <em>resumed</em> then reopens on the latest tables at the same sequence number, just
 * after the last key it returned, and goes on: its owner guarantees that every version at that
 * sequence number survives compaction for as long as the scan is open (the {@link Db} with
 * compaction in its process registers the scan's sequence number like a snapshot's). Otherwise, or
 * after {@link #MAX_RESUMES} resumes, the exception reaches the caller: an error, never a wrong
 * answer.
 */
public final class ScanIterator implements DbIterator {
  /**
   * Reopens a scan of the same range at the same sequence number from a start key (inclusive), or
   * from the scan's own start bound if {@code startInclusive} is null (nothing was returned yet).
   */
  @FunctionalInterface
  public interface Resume {
    VisibleIterator from(byte[] startInclusive);
  }

  public static final int MAX_RESUMES = 3;

  private final Resume resume;
  private final Function<SnapshotTooOldException, RuntimeException> onTooOld;
  private final AutoCloseable onClose;
  private final java.util.function.BooleanSupplier ownerClosed;
  private VisibleIterator delegate;
  private byte[] lastKey;
  private int resumes;
  private boolean closed;

  /**
   * @param resume how to reopen on the latest tables, or null if this scan cannot be resumed safely
   * @param onTooOld what to throw instead when the scan cannot go on
   * @param onClose released when the iterator is closed or exhausted (its sequence number
   *     registration), or null
   */
  public ScanIterator(
      VisibleIterator delegate,
      Resume resume,
      Function<SnapshotTooOldException, RuntimeException> onTooOld,
      AutoCloseable onClose,
      java.util.function.BooleanSupplier ownerClosed) {
    this.delegate = delegate;
    this.ownerClosed = ownerClosed;
    this.resume = resume;
    this.onTooOld = onTooOld;
    this.onClose = onClose;
  }

  public ScanIterator(VisibleIterator delegate, java.util.function.BooleanSupplier ownerClosed) {
    this(delegate, null, e -> e, null, ownerClosed);
  }

  /**
   * @throws DbClosedException once the iterator, or the database or reader it reads, is closed
   */
  @Override
  public boolean hasNext() {
    if (ownerClosed.getAsBoolean()) {
      throw new DbClosedException("database");
    }
    while (true) {
      try {
        boolean more = delegate.hasNext();
        if (!more) {
          release();
        }
        return more;
      } catch (SnapshotTooOldException e) {
        if (resume == null || resumes >= MAX_RESUMES) {
          throw onTooOld.apply(e);
        }
        resumes++;
        delegate.close();
        delegate = resume.from(lastKey == null ? null : successor(lastKey));
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
  public void close() {
    delegate.close();
    release();
  }

  private void release() {
    if (closed) {
      return;
    }
    closed = true;
    if (onClose != null) {
      try {
        onClose.close();
      } catch (Exception e) {
        throw new IllegalStateException("releasing a scan failed", e);
      }
    }
  }

  /** The smallest key after {@code key} in unsigned byte order. */
  private static byte[] successor(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }
}
