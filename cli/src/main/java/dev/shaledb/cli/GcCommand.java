package dev.shaledb.cli;

import dev.shaledb.GarbageCollector;
import dev.shaledb.GcOptions;
import dev.shaledb.GcResult;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shaledb gc}: one run of a standalone {@link GarbageCollector}. It fences nobody:
 * collectors may run alongside the writer and each other (docs/gc.md). Unlike the writer's own
 * collector it does not remove expired checkpoints.
 */
@Command(
    name = "gc",
    description =
        "Collect garbage once: retire old manifests, delete unreferenced tables and WAL objects."
            + " Fences nobody.")
final class GcCommand implements Callable<Integer> {
  @ParentCommand ShaleDbCli root;
  @Spec CommandSpec spec;

  @Option(
      names = "--min-age",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "15m",
      description =
          "Keep what became garbage less than this long ago (default ${DEFAULT-VALUE}; see"
              + " GcOptions.minAge: 0 only when no writer, compactor or reader is active).")
  Duration minAge;

  @Override
  public Integer call() {
    GcResult r;
    try (Target target = root.target()) {
      target.latestManifest();
      try (GarbageCollector gc =
          GarbageCollector.open(
              target.store(),
              target.path(),
              GcOptions.builder().minAge(minAge).interval(Duration.ZERO).build())) {
        r = gc.run();
      }
    }
    spec.commandLine()
        .getOut()
        .println(
            root.json
                ? Json.write(
                    Json.object(
                        "latestManifestId",
                        r.latestManifestId(),
                        "manifestsRetired",
                        r.manifestsRetired(),
                        "tablesDeleted",
                        r.tablesDeleted(),
                        "walObjectsDeleted",
                        r.walObjectsDeleted(),
                        "bytesDeleted",
                        r.bytesDeleted(),
                        "requests",
                        r.requests()))
                : String.format(
                    "retired %s, deleted %s and %s (%s) in %s",
                    Text.count(r.manifestsRetired(), "manifest"),
                    Text.count(r.tablesDeleted(), "table"),
                    Text.count(r.walObjectsDeleted(), "WAL object"),
                    Text.size(r.bytesDeleted()),
                    Text.count(r.requests(), "request")));
    return ExitCodes.OK;
  }
}
