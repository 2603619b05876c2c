package dev.shaledb.cli;

/** The tool's exit codes, as its {@code --help} and docs/cli.md list them. */
final class ExitCodes {
  static final int OK = 0;

  /** A negative answer: {@code get} found no such key, {@code verify} found problems. */
  static final int NO = 1;

  /** Bad arguments (picocli's usage code), or a write refused without {@code --force}. */
  static final int USAGE = 2;

  static final int NO_DATABASE = 3;
  static final int STORE_FAILED = 4;
  static final int NEWER_FORMAT = 5;
  static final int OTHER = 6;

  private ExitCodes() {}
}
