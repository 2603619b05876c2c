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
 * collector it does not remove expired checkpoints. With {@code --dry-run} it prints what the run
 * would do ({@link GarbageCollector#plan}, see {@link GcPlanPrinter}) and changes nothing but the
 * store clock probe.
 */
@Command(
    name = "gc",
    description =
        "Collect garbage once: retire old manifests, delete unreferenced tables and WAL objects."
            + " Fences nobody. --dry-run only reports what it would do.")
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

  @Option(
      names = "--dry-run",
      description =
          "Report what a run would retire, publish and delete; delete nothing (the only write is"
              + " the store clock probe <path>/gc/clock).")
  boolean dryRun;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description =
          "With --dry-run: list at most N objects of each kind (default ${DEFAULT-VALUE}; 0: all).")
  int limit;

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new CliException(ExitCodes.USAGE, "--limit must not be negative: " + limit);
    }
    GcOptions options = GcOptions.builder().minAge(minAge).interval(Duration.ZERO).build();
    GcResult r;
    try (Target target = root.target()) {
      target.latestManifest();
      if (dryRun) {
        GcPlanPrinter.print(
            spec.commandLine().getOut(),
            GarbageCollector.plan(target.store(), target.path(), options),
            root.json,
            limit == 0 ? Integer.MAX_VALUE : limit);
        return ExitCodes.OK;
      }
      try (GarbageCollector gc = GarbageCollector.open(target.store(), target.path(), options)) {
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
