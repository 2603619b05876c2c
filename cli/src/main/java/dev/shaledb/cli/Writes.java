package dev.shaledb.cli;

import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code put} and {@code delete} share. Both refuse to run without {@code --force}: opening a
 * writer raises the writer epoch, which fences the process writing the database now (its next write
 * fails), and a command line should not do that by accident.
 */
final class Writes {
  private Writes() {}

  static void requireForce(boolean force, String command) {
    if (!force) {
      throw new CliException(
          ExitCodes.USAGE,
          command
              + " opens a writer, which stops the database's running writer (its next write fails"
              + " with FencedException); pass --force to do it anyway");
    }
  }

  /** Confirms a durable write of {@code key}. */
  static void done(CommandSpec spec, ShaleDbCli root, String command, byte[] key) {
    String k = Text.format(key, root.hex);
    spec.commandLine()
        .getOut()
        .println(
            root.json
                ? Json.write(Json.object("command", command, "key", k, "durable", true))
                : command + " '" + k + "': durable");
  }
}
