package dev.shaledb.cli;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.manifest.Manifest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shaledb verify}: reads every live object and reports each problem with its object key and
 * offset (see {@link Verification}). Exit code 0 when healthy, 1 when anything is wrong.
 */
@Command(
    name = "verify",
    description =
        "Read and check every live object: manifests, tables, WAL. Exit code 1 if any is damaged.")
final class VerifyCommand implements Callable<Integer> {
  @ParentCommand ShaleDbCli root;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Verification.Report report;
    try (Target target = root.target()) {
      Manifest latest;
      try {
        latest = target.latestManifest();
      } catch (CorruptObjectException e) {
        // Without the latest manifest there is no list of live objects to go on.
        report =
            new Verification.Report(
                1,
                0,
                0,
                0,
                List.of(new Verification.Problem(e.key(), e.offset(), Verification.problemOf(e))));
        print(report);
        return ExitCodes.NO;
      }
      report = Verification.run(target.store(), target.path(), latest);
    }
    print(report);
    return report.healthy() ? ExitCodes.OK : ExitCodes.NO;
  }

  private void print(Verification.Report r) {
    PrintWriter out = spec.commandLine().getOut();
    if (root.json) {
      List<Object> problems = new ArrayList<>();
      for (Verification.Problem p : r.problems()) {
        problems.add(Json.object("key", p.key(), "offset", p.offset(), "problem", p.problem()));
      }
      out.println(
          Json.write(
              Json.object(
                  "healthy",
                  r.healthy(),
                  "manifests",
                  r.manifests(),
                  "tables",
                  r.tables(),
                  "walObjects",
                  r.walObjects(),
                  "bytes",
                  r.bytes(),
                  "problems",
                  problems)));
      return;
    }
    for (Verification.Problem p : r.problems()) {
      out.println(
          "PROBLEM "
              + p.key()
              + (p.offset() >= 0 ? " at offset " + p.offset() : "")
              + ": "
              + p.problem());
    }
    out.printf(
        "%s: read %s, %s, %s (%s); %s%n",
        r.healthy() ? "healthy" : "DAMAGED",
        Text.count(r.manifests(), "manifest"),
        Text.count(r.tables(), "table"),
        Text.count(r.walObjects(), "WAL object"),
        Text.size(r.bytes()),
        Text.count(r.problems().size(), "problem"));
  }
}
