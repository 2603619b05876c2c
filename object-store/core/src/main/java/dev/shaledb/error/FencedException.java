package dev.shaledb.error;

/**
 * Another writer (or compactor) opened the same database with a higher epoch. This instance can no
 * longer change the database; its unacknowledged writes were never durable. Reopen to continue.
 */
public class FencedException extends DbException {
  private static final long serialVersionUID = 1L;

  public FencedException(String message) {
    super(message);
  }

  public FencedException(String message, Throwable cause) {
    super(message, cause);
  }
}
