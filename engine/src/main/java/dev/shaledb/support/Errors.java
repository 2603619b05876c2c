package dev.shaledb.support;

import dev.shaledb.error.DbException;
import dev.shaledb.error.FencedException;

/** Turns a failure recorded on a background thread into an exception for the calling thread. */
public final class Errors {
  private Errors() {}

  /**
   * A fresh exception carrying {@code failure} as its cause, of the same public type where it
   * matters to callers (fencing), so the caller's stack is kept and the original is not shared.
   */
  public static RuntimeException rethrowable(RuntimeException failure) {
    if (failure instanceof FencedException) {
      return new FencedException(
          "another writer opened this database, fencing this one: this instance accepts no more"
              + " writes; close it (see the cause for which writer, and docs/operations.md,"
              + " \"Fencing\")",
          failure);
    }
    return new DbException(
        "the database stopped accepting writes after a failure: " + failure, failure);
  }
}
