package dev.shaledb.cli;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.DbException;
import dev.shaledb.error.DbNotFoundException;
import dev.shaledb.error.FencedException;
import dev.shaledb.error.UnsupportedFormatException;
import dev.shaledb.objectstore.ObjectStoreException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What a failed command prints and returns: the engine's exceptions ({@code dev.shaledb.error} and
 * the object store's) mapped to one precise line and an exit code of {@link ExitCodes}.
 *
 * <p>The S3 store reports an HTTP status in its messages ("HTTP 403 AccessDenied") and keeps the
 * SDK's exception as the cause; the tool is not compiled against the SDK, so it recognises an
 * unreachable endpoint by the JDK's network exceptions in the cause chain and refused credentials
 * by the status the message names.
 */
record Failure(int exitCode, String message) {
  Failure {
    requireNonNull(message, "message is null");
  }

  static Failure of(Throwable thrown) {
    Throwable e = unwrap(thrown);
    if (e instanceof CliException cli) {
      return new Failure(cli.exitCode(), cli.getMessage());
    }
    if (e instanceof DbNotFoundException) {
      return new Failure(ExitCodes.NO_DATABASE, e.getMessage());
    }
    if (e instanceof UnsupportedFormatException) {
      return new Failure(
          ExitCodes.NEWER_FORMAT, e.getMessage() + " (use a newer shaledb to read it)");
    }
    if (e instanceof ObjectStoreException) {
      return storeFailure(e);
    }
    if (e instanceof CorruptObjectException) {
      return new Failure(ExitCodes.OTHER, e.getMessage() + " (run 'shaledb verify' for all)");
    }
    if (e instanceof FencedException) {
      return new Failure(
          ExitCodes.OTHER, "fenced: another process opened the database: " + e.getMessage());
    }
    if (e instanceof IllegalArgumentException) {
      // The engine's argument checks (a malformed store URI, a key too long) name the problem.
      return new Failure(ExitCodes.USAGE, e.getMessage());
    }
    if (isUnreachable(e)) {
      return storeFailure(e);
    }
    if (e instanceof DbException) {
      return new Failure(ExitCodes.OTHER, e.getMessage());
    }
    return new Failure(ExitCodes.OTHER, e.getClass().getName() + ": " + e.getMessage());
  }

  private static Failure storeFailure(Throwable e) {
    String message = String.valueOf(e.getMessage());
    if (isUnreachable(e)) {
      return new Failure(
          ExitCodes.STORE_FAILED,
          "cannot reach the object store: " + firstLine(rootCause(e)) + " (" + message + ")");
    }
    if (message.contains("HTTP 403") || message.contains("HTTP 401")) {
      return new Failure(
          ExitCodes.STORE_FAILED,
          "the object store refused the credentials or denied access: " + message);
    }
    if (message.contains("Unable to load credentials")) {
      return new Failure(ExitCodes.STORE_FAILED, "no credentials for the object store: " + message);
    }
    return new Failure(ExitCodes.STORE_FAILED, "object store failure: " + message);
  }

  private static boolean isUnreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof UnknownHostException
          || t instanceof NoRouteToHostException
          || t instanceof UnresolvedAddressException) {
        return true;
      }
    }
    return false;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static String firstLine(Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int newline = m.indexOf('\n');
    return newline < 0 ? m : m.substring(0, newline);
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
