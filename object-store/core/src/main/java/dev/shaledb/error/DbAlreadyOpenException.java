package dev.shaledb.error;

/**
 * This process already has the database open as a writer (the same store instance and path), and a
 * second writer would fence the first, whose next write would fail with {@link FencedException}.
 * Nothing was opened or changed. Close the first instance before opening it again, or read
 * alongside it with a {@code DbReader}; tests that simulate several processes in one set {@code
 * DbOptions.builder().allowInProcessTakeover(true)}.
 */
public class DbAlreadyOpenException extends DbException {
  private static final long serialVersionUID = 1L;

  public DbAlreadyOpenException(String message) {
    super(message);
  }
}
