package dev.shaledb.chaos;

import dev.shaledb.error.OutcomeUnknownException;

/** What an exception of the engine was caused by, looked for along its whole cause chain. */
final class Causes {
  private Causes() {}

  /** Whether {@code e} or one of its causes is a {@code type}. */
  static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the outcome of the failed write {@code e} is unknown: it may have been applied. */
  static boolean isUnknown(Throwable e) {
    return causedBy(e, OutcomeUnknownException.class);
  }
}
