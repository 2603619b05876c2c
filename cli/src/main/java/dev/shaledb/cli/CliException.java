package dev.shaledb.cli;

import static java.util.Objects.requireNonNull;

/** A failure the tool itself detected, with the line to print and the exit code to return. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(requireNonNull(message, "message is null"));
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
