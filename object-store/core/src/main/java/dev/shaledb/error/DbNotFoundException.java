package dev.shaledb.error;

/**
 * There is no database where one was expected: the path holds no manifest. Raised by read-only
 * access ({@code DbReader}), which never creates a database.
 */
public class DbNotFoundException extends DbException {
  private static final long serialVersionUID = 1L;

  public DbNotFoundException(String message) {
    super(message);
  }
}
