package dev.shaledb.cli;

import dev.shaledb.CompactionOptions;
import dev.shaledb.Compactor;
import dev.shaledb.manifest.ManifestState;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shaledb compact --force}: a standalone {@link Compactor} that compacts until nothing is
 * left to do ({@link Compactor#compactNow}, so {@code --until-idle} only names the default), then
 * leaves. Opening it raises the compactor epoch, which stops the running compactor (the writer's
 * own, unless compaction runs elsewhere), hence {@code --force}.
 */
@Command(
    name = "compact",
    description =
        "Compact until nothing is left to do. Fences the running compactor: needs --force.")
final class CompactCommand implements Callable<Integer> {
  @ParentCommand ShaleDbCli root;
  @Spec CommandSpec spec;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "1h",
      description = "Give up waiting after this long (default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--until-idle",
      description =
          "Compact until nothing is left to do (what compact always does; accepted for scripts).")
  boolean untilIdle;

  @Option(names = "--force", description = "Fence the running compactor and compact.")
  boolean force;

  @Override
  public Integer call() throws InterruptedException {
    Writes.requireForce(
        force,
        "compact",
        "a compactor, which stops the running one (the writer's own unless compaction runs"
            + " elsewhere)");
    boolean idle;
    long compactions;
    ManifestState after;
    try (Target target = root.target()) {
      target.latestManifest();
      try (Compactor compactor =
          Compactor.open(target.store(), target.path(), CompactionOptions.defaults())) {
        idle = compactor.compactNow(timeout);
        compactions = compactor.compactions();
      }
      after = target.latestManifest().state();
    }
    spec.commandLine()
        .getOut()
        .println(
            root.json
                ? Json.write(
                    Json.object(
                        "idle",
                        idle,
                        "compactions",
                        compactions,
                        "l0Tables",
                        after.l0().size(),
                        "sortedRuns",
                        after.sortedRuns().size()))
                : String.format(
                    "%s %s; now %s in L0, %s",
                    idle ? "done:" : "timed out after",
                    Text.count(compactions, "compaction"),
                    Text.count(after.l0().size(), "table"),
                    Text.count(after.sortedRuns().size(), "sorted run")));
    return idle ? ExitCodes.OK : ExitCodes.OTHER;
  }
}
