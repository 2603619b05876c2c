package dev.shaledb.error;

/**
 * A checkpoint that was asked for cannot be read: the database's latest manifest does not list it
 * (never created, or removed), it has expired, or the manifest version it pinned is gone.
 */
public class CheckpointNotFoundException extends DbException {
  private static final long serialVersionUID = 1L;

  public CheckpointNotFoundException(String message) {
    super(message);
  }
}
