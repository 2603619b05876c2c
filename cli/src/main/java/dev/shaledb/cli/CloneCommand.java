package dev.shaledb.cli;

import dev.shaledb.CloneInfo;
import dev.shaledb.Clones;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shaledb clone TARGET}: a new database at {@code TARGET} in the same store that shares the
 * tables of the database at {@code --path} ({@link Clones}). It fences nobody: the source gains a
 * checkpoint that the clone's garbage collector removes once the clone shares no table any more.
 */
@Command(
    name = "clone",
    description =
        "Create a database at TARGET sharing this one's tables, without copying them: from the"
            + " latest published state (writes still only in the WAL are not included) or a"
            + " checkpoint. Fences nobody.")
final class CloneCommand implements Callable<Integer> {
  @ParentCommand ShaleDbCli root;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "TARGET", description = "The new database's path in the same store.")
  String targetPath;

  @Option(
      names = "--checkpoint",
      paramLabel = "ID",
      description = "Clone the version this checkpoint pins instead of the latest one.")
  UUID checkpoint;

  @Override
  public Integer call() {
    CloneInfo info;
    try (Target target = root.target()) {
      target.latestManifest();
      info = Clones.create(target.store(), target.path(), targetPath, checkpoint);
    }
    spec.commandLine()
        .getOut()
        .println(
            root.json
                ? Json.write(
                    Json.object(
                        "source",
                        info.sourcePath(),
                        "target",
                        info.targetPath(),
                        "sourceManifestId",
                        info.sourceManifestId(),
                        "sourceCheckpointId",
                        info.sourceCheckpointId().toString(),
                        "sharedTables",
                        info.sharedTables(),
                        "sharedBytes",
                        info.sharedBytes()))
                : "cloned '"
                    + info.sourcePath()
                    + "' (manifest "
                    + info.sourceManifestId()
                    + ") to '"
                    + info.targetPath()
                    + "': "
                    + Text.count(info.sharedTables(), "table")
                    + " ("
                    + Text.size(info.sharedBytes())
                    + ") shared, none copied; pinned by checkpoint "
                    + info.sourceCheckpointId()
                    + " of the source");
    return ExitCodes.OK;
  }
}
