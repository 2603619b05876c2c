package dev.shaledb.error;

/**
 * A transaction (or a conditional write) could not commit: a write committed after its snapshot
 * touched a key it wrote or, under serializable isolation, a key or range it read. Nothing of the
 * transaction was applied; running it again from a new snapshot is safe. {@link #key()} names one
 * conflicting key (a copy), or is null when the transaction outlived the conflict history the
 * database keeps and so cannot be checked key by key.
 */
public class TransactionConflictException extends DbException {
  private static final long serialVersionUID = 1L;

  private final byte[] key;

  public TransactionConflictException(String message, byte[] key) {
    super(message);
    this.key = key == null ? null : key.clone();
  }

  /** A conflicting key, or null if the conflict is not about one key. */
  public byte[] key() {
    return key == null ? null : key.clone();
  }
}
