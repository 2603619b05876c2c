package dev.shaledb.error;

/** An operation was called on a database, reader, iterator or store after it was closed. */
public class DbClosedException extends DbException {
  private static final long serialVersionUID = 1L;

  public DbClosedException(String what) {
    super(what + " is closed");
  }
}
