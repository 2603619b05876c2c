package dev.shaledb.error;

/**
 * A write waited longer than its stall timeout for memory: the memtables were full and flushes to
 * the object store did not keep up (or are failing). The write was not applied; retrying later is
 * safe.
 */
public class WriteStallException extends DbException {
  private static final long serialVersionUID = 1L;

  public WriteStallException(String message) {
    super(message);
  }
}
