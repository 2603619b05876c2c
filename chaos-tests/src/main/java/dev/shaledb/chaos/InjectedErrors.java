package dev.shaledb.chaos;

import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.ObjectStoreException;
import java.util.concurrent.TimeoutException;

/** The exceptions {@link FaultInjectingObjectStore} fails requests with, shaped like S3's. */
final class InjectedErrors {
  private InjectedErrors() {}

  /** The failure of {@code fault} for {@code request} (for example "PUT 'a/b'"). */
  static RuntimeException of(FaultKind fault, String request) {
    switch (fault) {
      case ERROR_500:
      case ERROR_500_APPLIED:
        return new ObjectStoreException("500 InternalError on " + request + " (injected)", true);
      case ERROR_503:
      case PUT_BURST:
        return new ObjectStoreException("503 SlowDown on " + request + " (injected)", true);
      case ERROR_429:
        return new ObjectStoreException(
            "429 Too Many Requests on " + request + " (injected)", true);
      case TIMEOUT_BEFORE_APPLY:
      case TIMEOUT_AFTER_APPLY:
        boolean applied = fault == FaultKind.TIMEOUT_AFTER_APPLY;
        return new OutcomeUnknownException(
            request + " timed out " + (applied ? "after" : "before") + " it was applied (injected)",
            new TimeoutException("injected"));
      default:
        throw new IllegalArgumentException("not a failure: " + fault);
    }
  }

  /** What a crashed process gets: not retryable, there is nobody left to retry. */
  static ObjectStoreException crashed(String request) {
    return new ObjectStoreException(request + ": the process crashed (injected)", false);
  }
}
