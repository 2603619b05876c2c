package dev.shaledb.objectstore;

import dev.shaledb.error.DbException;

/**
 * The object store failed or refused a request. {@link #isRetryable()} is true when the same
 * request may succeed later (throttling, a 5xx, a dropped connection), after the store's own retry
 * layer has already given up.
 */
public class ObjectStoreException extends DbException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public ObjectStoreException(String message, boolean retryable) {
    this(message, retryable, null);
  }

  public ObjectStoreException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean isRetryable() {
    return retryable;
  }
}
