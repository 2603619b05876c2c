package dev.shaledb.error;

/**
 * The object store lacks a guarantee ShaleDB's protocol rests on (for example it does not enforce
 * create-if-absent), so opening a writer, compactor or garbage collector on it could lose
 * acknowledged writes. Nothing of the database was changed. The message names the store and the
 * check that failed; docs/compatibility.md lists what each store provides.
 */
public class UnsafeStoreException extends DbException {
  private static final long serialVersionUID = 1L;

  public UnsafeStoreException(String message) {
    super(message);
  }
}
