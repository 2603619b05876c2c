package dev.shaledb.objectstore;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Blocking helpers for callers that want the typed exception, not a wrapper. */
public final class Futures {
  private Futures() {}

  /**
   * Waits for {@code future} and returns its value; on failure rethrows the original unchecked
   * exception (unwrapped from {@link CompletionException}), so callers catch the typed exception.
   */
  public static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      throw unwrap(e);
    }
  }

  /**
   * Returns the original failure inside a {@link CompletionException} or {@link
   * ExecutionException}.
   */
  public static RuntimeException unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new ObjectStoreException("unexpected failure: " + cause, false, cause);
  }
}
