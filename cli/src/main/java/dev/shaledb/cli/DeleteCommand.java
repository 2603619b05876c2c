package dev.shaledb.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shaledb delete KEY --force}: one durable delete, by a writer that fences the current one.
 */
@Command(
    name = "delete",
    description = "Delete KEY. Opens a writer, which fences the running one: needs --force.")
final class DeleteCommand implements Callable<Integer> {
  @ParentCommand ShaleDbCli root;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "KEY")
  String key;

  @Option(names = "--force", description = "Fence the running writer and delete.")
  boolean force;

  @Override
  public Integer call() {
    byte[] k = Text.parse(key, root.hex, "key");
    Writes.write(spec, root, force, "delete", k, db -> db.delete(k));
    return ExitCodes.OK;
  }
}
