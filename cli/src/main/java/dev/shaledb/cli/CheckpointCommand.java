package dev.shaledb.cli;

import dev.shaledb.Db;
import dev.shaledb.manifest.Checkpoint;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shaledb checkpoint list|create|delete}. Listing reads the latest manifest; creating and
 * deleting are the writer's operations (they publish a manifest version as the writer), so they
 * open a writer, which fences the running one, and need {@code --force} like {@code put}.
 */
@Command(
    name = "checkpoint",
    description = "List, create or delete checkpoints (pins on manifest versions).",
    subcommands = {
      CheckpointCommand.ListCheckpoints.class,
      CheckpointCommand.CreateCheckpoint.class,
      CheckpointCommand.DeleteCheckpoint.class
    })
final class CheckpointCommand {
  @ParentCommand ShaleDbCli root;

  static Map<String, Object> describe(Checkpoint c) {
    return Json.object(
        "id",
        c.id().toString(),
        "name",
        c.name(),
        "manifestId",
        c.manifestId(),
        "expireAt",
        c.expireAt() == null ? null : c.expireAt().toString());
  }

  static String line(Checkpoint c) {
    return String.format(
        "%s  manifest %d  name '%s'  %s",
        c.id(),
        c.manifestId(),
        c.name(),
        c.expireAt() == null ? "never expires" : "expires " + c.expireAt());
  }

  @Command(name = "list", description = "List the checkpoints of the latest manifest.")
  static final class ListCheckpoints implements Callable<Integer> {
    @ParentCommand CheckpointCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      ShaleDbCli root = parent.root;
      List<Checkpoint> checkpoints;
      try (Target target = root.target()) {
        checkpoints = target.latestManifest().state().checkpoints();
      }
      PrintWriter out = spec.commandLine().getOut();
      if (root.json) {
        List<Object> json = new ArrayList<>();
        for (Checkpoint c : checkpoints) {
          json.add(describe(c));
        }
        out.println(Json.write(Json.object("checkpoints", json)));
      } else {
        for (Checkpoint c : checkpoints) {
          out.println(line(c));
        }
        out.println(Text.count(checkpoints.size(), "checkpoint"));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "create",
      description =
          "Flush, then pin the latest manifest version. Opens a writer, which fences the running"
              + " one: needs --force.")
  static final class CreateCheckpoint implements Callable<Integer> {
    @ParentCommand CheckpointCommand parent;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "A label, at most 255 UTF-8 bytes.")
    String name;

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "How long the pin lasts (90s, 15m, 12h, 7d, PT1H); default: never expires.")
    Duration ttl;

    @Option(names = "--force", description = "Fence the running writer and create it.")
    boolean force;

    @Override
    public Integer call() {
      Writes.requireForce(force, "checkpoint create");
      ShaleDbCli root = parent.root;
      Checkpoint created;
      try (Target target = root.target();
          Db db = target.openWriter()) {
        created = db.createCheckpoint(name, ttl);
      }
      spec.commandLine()
          .getOut()
          .println(root.json ? Json.write(describe(created)) : "created " + line(created));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "delete",
      description =
          "Remove a checkpoint. Opens a writer, which fences the running one: needs --force.")
  static final class DeleteCheckpoint implements Callable<Integer> {
    @ParentCommand CheckpointCommand parent;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The checkpoint's id (a UUID).")
    UUID id;

    @Option(names = "--force", description = "Fence the running writer and delete it.")
    boolean force;

    @Override
    public Integer call() {
      Writes.requireForce(force, "checkpoint delete");
      ShaleDbCli root = parent.root;
      boolean deleted;
      try (Target target = root.target()) {
        if (target.latestManifest().state().checkpoints().stream()
            .noneMatch(c -> c.id().equals(id))) {
          // Checked before opening a writer: a mistyped id must not fence anyone.
          throw new CliException(ExitCodes.NO, "no checkpoint " + id);
        }
        try (Db db = target.openWriter()) {
          deleted = db.deleteCheckpoint(id);
        }
      }
      if (!deleted) {
        throw new CliException(ExitCodes.NO, "no checkpoint " + id);
      }
      spec.commandLine()
          .getOut()
          .println(
              root.json
                  ? Json.write(Json.object("deleted", id.toString()))
                  : "deleted checkpoint " + id);
      return ExitCodes.OK;
    }
  }
}
