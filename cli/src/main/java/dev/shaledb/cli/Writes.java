package dev.shaledb.cli;

import dev.shaledb.Db;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the commands that write share. They refuse to run without {@code --force}: opening a writer
 * raises the writer epoch, which fences the process writing the database now (its next write
 * fails), opening a compactor fences the running compactor, and a command line should not do either
 * by accident.
 */
final class Writes {
  private static final String WRITER =
      "a writer, which stops the database's running writer (its next write fails with"
          + " FencedException)";

  private Writes() {}

  static void requireForce(boolean force, String command) {
    requireForce(force, command, WRITER);
  }

  /**
   * Refuses {@code command}, which opens {@code what} (and says what that stops), without force.
   */
  static void requireForce(boolean force, String command, String what) {
    if (!force) {
      throw new CliException(
          ExitCodes.USAGE, command + " opens " + what + "; pass --force to do it anyway");
    }
  }

  /**
   * Runs {@code write} of {@code key} on a writer of its own (with {@code --force} only), closes
   * it, and confirms the durable write on stdout.
   */
  static void write(
      CommandSpec spec,
      ShaleDbCli root,
      boolean force,
      String command,
      byte[] key,
      Consumer<Db> write) {
    requireForce(force, command);
    try (Target target = root.target();
        Db db = target.openWriter()) {
      write.accept(db);
    }
    String k = Text.format(key, root.hex);
    spec.commandLine()
        .getOut()
        .println(
            root.json
                ? Json.write(Json.object("command", command, "key", k, "durable", true))
                : command + " '" + k + "': durable");
  }
}
