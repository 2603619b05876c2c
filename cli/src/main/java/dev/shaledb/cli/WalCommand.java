package dev.shaledb.cli;

import static dev.shaledb.objectstore.Futures.join;

import dev.shaledb.manifest.ManifestState;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.wal.WalKeys;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shaledb wal}: the WAL objects in the store, with what the latest manifest says of each.
 * Objects below the replay anchor ({@code flushedWalId}) are in tables already and wait for garbage
 * collection; the anchor's header starts replay; the objects after it are replayed on open.
 */
@Command(
    name = "wal",
    description = "List the WAL objects: id, size, and whether replay needs them.")
final class WalCommand implements Callable<Integer> {
  @ParentCommand ShaleDbCli root;
  @Spec CommandSpec spec;

  /** A WAL object in the store. */
  record WalObjectEntry(long id, String key, long size) {}

  @Override
  public Integer call() {
    ManifestState state;
    List<WalObjectEntry> objects;
    try (Target target = root.target()) {
      state = target.latestManifest().state();
      objects = list(target);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (root.json) {
      List<Object> json = new ArrayList<>();
      for (WalObjectEntry o : objects) {
        json.add(
            Json.object(
                "id", o.id(), "key", o.key(), "bytes", o.size(), "state", role(state, o.id())));
      }
      out.println(
          Json.write(
              Json.object(
                  "flushedWalId",
                  state.flushedWalId(),
                  "nextWalId",
                  state.nextWalId(),
                  "objects",
                  json)));
      return ExitCodes.OK;
    }
    out.printf("flushed through %d, next %d%n", state.flushedWalId(), state.nextWalId());
    for (WalObjectEntry o : objects) {
      out.printf("%20d %10s  %s%n", o.id(), Text.size(o.size()), role(state, o.id()));
    }
    out.println(Text.count(objects.size(), "object"));
    return ExitCodes.OK;
  }

  static List<WalObjectEntry> list(Target target) {
    List<WalObjectEntry> objects = new ArrayList<>();
    String prefix = WalKeys.prefix(target.path());
    for (ObjectMeta meta : join(target.store().list(prefix))) {
      OptionalLong id = WalKeys.parseId(target.path(), meta.key());
      if (id.isPresent()) {
        objects.add(new WalObjectEntry(id.getAsLong(), meta.key(), meta.size()));
      }
    }
    return objects;
  }

  private static String role(ManifestState state, long id) {
    if (id < state.flushedWalId()) {
      return "flushed";
    }
    return id == state.flushedWalId() ? "replay anchor" : "to replay";
  }
}
