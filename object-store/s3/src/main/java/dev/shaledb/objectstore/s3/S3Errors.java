package dev.shaledb.objectstore.s3;

import dev.shaledb.error.DbException;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PreconditionFailedException;
import dev.shaledb.objectstore.PutCondition;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Maps SDK failures to the store's typed exceptions, so that no {@link SdkException} leaves the
 * public API. Retryable means the same request may succeed later: throttling (429, 503 SlowDown),
 * other 5xx, a 409 conditional-write conflict, and client-side I/O errors and timeouts.
 */
final class S3Errors {
  private S3Errors() {}

  /** The root failure inside the future wrappers. */
  static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** The HTTP status of a service error, or 0 for client-side failures. */
  static int status(Throwable t) {
    return unwrap(t) instanceof SdkServiceException e ? e.statusCode() : 0;
  }

  /** The S3 error code of a service error ("NoSuchKey", "SlowDown"...), or "" if none. */
  static String code(Throwable t) {
    if (unwrap(t) instanceof AwsServiceException e && e.awsErrorDetails() != null) {
      String code = e.awsErrorDetails().errorCode();
      return code == null ? "" : code;
    }
    return "";
  }

  /** A 404 about the key itself, not about the bucket or a multipart upload. */
  static boolean isNotFound(Throwable t) {
    String code = code(t);
    return status(t) == 404 && !code.equals("NoSuchBucket") && !code.equals("NoSuchUpload");
  }

  static boolean isRetryable(Throwable t) {
    Throwable cause = unwrap(t);
    if (cause instanceof SdkServiceException e) {
      int status = e.statusCode();
      return status >= 500 || status == 429 || status == 409 || e.isThrottlingException();
    }
    return cause instanceof SdkClientException;
  }

  /** The typed exception for a failed read or delete of {@code key}. */
  static RuntimeException forRead(String key, Throwable t) {
    Throwable cause = unwrap(t);
    if (isNotFound(cause)) {
      return new ObjectNotFoundException(key);
    }
    return generic(key, cause);
  }

  /** The typed exception for a put of {@code key} that provably was not applied. */
  static RuntimeException forPut(String key, PutCondition condition, Throwable t) {
    Throwable cause = unwrap(t);
    int status = status(cause);
    if (status == 412 && !(condition instanceof PutCondition.None)) {
      return new PreconditionFailedException(key, condition);
    }
    if (condition instanceof PutCondition.IfMatch && isNotFound(cause)) {
      return new ObjectNotFoundException(key);
    }
    return generic(key, cause);
  }

  /** Anything else: our own exceptions pass through, SDK ones become ObjectStoreException. */
  static RuntimeException generic(String key, Throwable t) {
    Throwable cause = unwrap(t);
    if (cause instanceof DbException || cause instanceof IllegalArgumentException) {
      return (RuntimeException) cause;
    }
    if (cause instanceof NullPointerException npe) {
      return npe;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new ObjectStoreException(describe(key, cause), isRetryable(cause), cause);
  }

  private static String describe(String key, Throwable cause) {
    StringBuilder s = new StringBuilder("S3 request for '").append(key).append("' failed: ");
    int status = status(cause);
    if (status != 0) {
      s.append("HTTP ").append(status);
      String code = code(cause);
      if (!code.isEmpty()) {
        s.append(' ').append(code);
      }
      s.append(": ");
    }
    return s.append(cause.getMessage()).toString();
  }
}
