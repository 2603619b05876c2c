package dev.shaledb.error;

/**
 * A database already exists where a new one was to be created, e.g. the target path of a clone. The
 * existing database was not changed.
 */
public class DbExistsException extends DbException {
  private static final long serialVersionUID = 1L;

  public DbExistsException(String message) {
    super(message);
  }
}
