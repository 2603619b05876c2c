package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

/**
 * A conditional put's condition was false (S3 answers 412), so nothing was written: another writer
 * created or replaced the object first. Not retryable as such; re-read and decide.
 */
public class PreconditionFailedException extends ObjectStoreException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public PreconditionFailedException(String key, PutCondition condition) {
    super(
        "precondition "
            + requireNonNull(condition, "condition is null")
            + " failed for '"
            + requireNonNull(key, "key is null")
            + "'",
        false);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
