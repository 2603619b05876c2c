package dev.shaledb.cli;

import dev.shaledb.DbReader;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code shaledb get KEY}: one value, through a read-only {@link DbReader}. */
@Command(
    name = "get",
    description = "Print the value of KEY (exit code 1 if absent). Reads only; fences nobody.")
final class GetCommand implements Callable<Integer> {
  @ParentCommand ShaleDbCli root;
  @Spec CommandSpec spec;

  @Mixin CheckpointOption pinned;

  @Parameters(paramLabel = "KEY", description = "The key (UTF-8 text, or hex with --hex).")
  String key;

  @Override
  public Integer call() {
    byte[] k = Text.parse(key, root.hex, "key");
    byte[] value;
    try (Target target = root.target();
        DbReader reader = target.openReader(pinned.checkpoint)) {
      value = reader.get(k);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (root.json) {
      out.println(
          Json.write(
              Json.object(
                  "key",
                  Text.format(k, root.hex),
                  "found",
                  value != null,
                  "value",
                  value == null ? null : Text.format(value, root.hex))));
    } else if (value != null) {
      out.println(Text.format(value, root.hex));
    } else {
      spec.commandLine().getErr().println("shaledb: key '" + key + "' not found");
    }
    return value == null ? ExitCodes.NO : ExitCodes.OK;
  }
}
