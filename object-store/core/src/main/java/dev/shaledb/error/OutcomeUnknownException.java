package dev.shaledb.error;

/**
 * A write may or may not have taken effect, and the store could not tell which: for example a
 * conditional put that timed out after its request was sent, and whose object neither carries our
 * write id nor someone else's. The caller must not assume either outcome; re-read the state (or
 * reopen the database, which resolves it) before acting on it.
 */
public class OutcomeUnknownException extends DbException {
  private static final long serialVersionUID = 1L;

  public OutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
