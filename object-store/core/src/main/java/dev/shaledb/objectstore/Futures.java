package dev.shaledb.objectstore;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Helpers for futures: blocking ones for callers that want the typed exception, not a wrapper, and
 * the delayed request of the stores that model latency.
 */
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

  /**
   * Issues {@code request} on {@code scheduler} once {@code nanos} have passed (at once, on this
   * thread, if not positive) and completes as the request's future does; a request that throws
   * fails the result.
   */
  public static <T> CompletableFuture<T> after(
      ScheduledExecutorService scheduler, long nanos, Supplier<CompletableFuture<T>> request) {
    if (nanos <= 0) {
      return request.get();
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    scheduler.schedule(() -> relay(request, result), nanos, TimeUnit.NANOSECONDS);
    return result;
  }

  /**
   * Issues {@code request} now and completes {@code result} as its future completes; a request that
   * throws fails {@code result}. For stores that answer a request later than it was made.
   */
  public static <T> void relay(
      Supplier<CompletableFuture<T>> request, CompletableFuture<T> result) {
    try {
      request
          .get()
          .whenComplete(
              (value, failure) -> {
                if (failure != null) {
                  result.completeExceptionally(failure);
                } else {
                  result.complete(value);
                }
              });
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
  }
}
