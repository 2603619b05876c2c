package dev.shaledb.error;

/**
 * A read met merge operands it could not fold: the configured {@code MergeOperator} threw, returned
 * null, or none is configured. Nothing stored was changed; {@link #key()} names the key (a copy).
 */
public class MergeOperatorException extends DbException {
  private static final long serialVersionUID = 1L;

  private final byte[] key;

  public MergeOperatorException(String message, byte[] key, Throwable cause) {
    super(message, cause);
    this.key = key == null ? null : key.clone();
  }

  /** The key whose operands could not be folded. */
  public byte[] key() {
    return key == null ? null : key.clone();
  }
}
