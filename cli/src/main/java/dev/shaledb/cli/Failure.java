package dev.shaledb.cli;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CheckpointNotFoundException;
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
 * unreachable endpoint by the JDK's network exceptions among the causes and refused credentials by
 * the status the message names.
 */
record Failure(int exitCode, String message) {
  /** Keeps the first line of {@code message}: the rest, if any, is for {@code --verbose}. */
  Failure {
    requireNonNull(message, "message is null");
    int newline = message.indexOf('\n');
    message = newline < 0 ? message : message.substring(0, newline);
  }

  static Failure of(Throwable thrown) {
    Throwable e = unwrap(thrown);
    if (e instanceof CliException cli) {
      return new Failure(cli.exitCode(), cli.getMessage());
    }
    if (e instanceof CheckpointNotFoundException) {
      return new Failure(ExitCodes.NO, firstLine(e));
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
      return new Failure(ExitCodes.USAGE, firstLine(e));
    }
    if (networkFailure(e, 0) != null) {
      return storeFailure(e);
    }
    if (e instanceof DbException) {
      return new Failure(ExitCodes.OTHER, firstLine(e));
    }
    return new Failure(ExitCodes.OTHER, e.getClass().getName() + ": " + e.getMessage());
  }

  private static Failure storeFailure(Throwable e) {
    String message = firstLine(e);
    Throwable network = networkFailure(e, 0);
    if (network != null) {
      String reason =
          network instanceof UnknownHostException || network instanceof UnresolvedAddressException
              ? "unknown host " + network.getMessage()
              : firstLine(network);
      return new Failure(ExitCodes.STORE_FAILED, "cannot reach the object store: " + reason);
    }
    if (message.contains("Acquire operation took longer")) {
      // Netty's connection pool gave up waiting for a connection. The tool makes a request or two
      // at a time, so this is a connection that could not be set up in time (on a loaded machine
      // the refusals of a dead port can surface so, too), not a busy pool.
      return new Failure(
          ExitCodes.STORE_FAILED,
          "cannot reach the object store: no connection within the HTTP client's acquire timeout");
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

  /**
   * The outermost JDK network exception in {@code e}'s causes or suppressed exceptions (the SDK
   * keeps earlier attempts' failures as suppressed), or null.
   */
  private static Throwable networkFailure(Throwable e, int depth) {
    if (e == null || depth > 16) {
      return null;
    }
    if (e instanceof ConnectException
        || e instanceof UnknownHostException
        || e instanceof NoRouteToHostException
        || e instanceof UnresolvedAddressException) {
      return e;
    }
    Throwable found = e.getCause() == e ? null : networkFailure(e.getCause(), depth + 1);
    for (Throwable s : e.getSuppressed()) {
      if (found == null) {
        found = networkFailure(s, depth + 1);
      }
    }
    return found;
  }

  /** The first line of {@code t}'s message: the SDK appends paragraphs of advice. */
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
