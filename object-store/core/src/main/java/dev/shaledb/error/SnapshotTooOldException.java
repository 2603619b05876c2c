package dev.shaledb.error;

/**
 * A read, iterator or reader worked from a manifest version whose tables garbage collection has
 * since deleted: the version was superseded (by a compaction) more than the collector's {@code
 * minAge} ago. No data was returned from the missing table; start the read again (a new iterator, a
 * refreshed reader), or pin the state with a checkpoint for reads that take longer. A {@code Db}
 * retries point reads and resumes its own iterators on the latest tables by itself when compaction
 * runs in its process; this exception reaches the caller only where that cannot be done without
 * risking a wrong answer (docs/protocol.md, "Lifetimes").
 */
public class SnapshotTooOldException extends DbException {
  private static final long serialVersionUID = 1L;

  public SnapshotTooOldException(String message, Throwable cause) {
    super(message, cause);
  }
}
