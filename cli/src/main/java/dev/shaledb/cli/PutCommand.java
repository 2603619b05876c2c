package dev.shaledb.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shaledb put KEY VALUE --force}: one durable write, by a writer that fences the current
 * one.
 */
@Command(
    name = "put",
    description = "Write KEY=VALUE. Opens a writer, which fences the running one: needs --force.")
final class PutCommand implements Callable<Integer> {
  @ParentCommand ShaleDbCli root;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Parameters(index = "1", paramLabel = "VALUE")
  String value;

  @Option(names = "--force", description = "Fence the running writer and write.")
  boolean force;

  @Override
  public Integer call() {
    byte[] k = Text.parse(key, root.hex, "key");
    byte[] v = Text.parse(value, root.hex, "value");
    Writes.write(spec, root, force, "put", k, db -> db.put(k, v));
    return ExitCodes.OK;
  }
}
