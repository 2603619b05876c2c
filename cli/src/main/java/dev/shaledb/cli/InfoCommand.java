package dev.shaledb.cli;

import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.ClonePin;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code shaledb info}: the latest manifest version in words (or as JSON). Reads only. */
@Command(name = "info", description = "Show the latest manifest: epochs, tables, WAL, checkpoints.")
final class InfoCommand implements Callable<Integer> {
  @ParentCommand ShaleDbCli root;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (Target target = root.target()) {
      Manifest manifest = target.latestManifest();
      PrintWriter out = spec.commandLine().getOut();
      if (root.json) {
        out.println(Json.write(describe(target, manifest)));
      } else {
        print(out, target, manifest);
      }
    }
    return ExitCodes.OK;
  }

  static Map<String, Object> describe(Target target, Manifest manifest) {
    ManifestState s = manifest.state();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("store", target.redactedUri());
    json.put("path", target.path());
    json.put("manifestId", manifest.id());
    json.put("writeId", manifest.writeId().toString());
    json.put("writerEpoch", s.writerEpoch());
    json.put("compactorEpoch", s.compactorEpoch());
    json.put("l0", Json.object("tables", s.l0().size(), "bytes", bytes(s.l0())));
    List<Object> runs = new ArrayList<>();
    for (SortedRun run : s.sortedRuns()) {
      runs.add(Json.object("tables", run.tables().size(), "bytes", run.sizeBytes()));
    }
    json.put("sortedRuns", runs);
    json.put("flushedWalId", s.flushedWalId());
    json.put("nextWalId", s.nextWalId());
    json.put("lastFlushedSeq", s.lastFlushedSeq());
    List<Object> checkpoints = new ArrayList<>();
    for (Checkpoint c : s.checkpoints()) {
      checkpoints.add(CheckpointCommand.describe(c));
    }
    json.put("checkpoints", checkpoints);
    json.put("condemnedThrough", s.condemnedThrough());
    json.put("cloneOf", clonePins(s));
    json.put("borrowedTables", borrowed(s));
    return json;
  }

  /** The pins a clone holds in its sources, as JSON; also in {@code manifest --dump}. */
  static List<Object> clonePins(ManifestState s) {
    List<Object> pins = new ArrayList<>();
    for (ClonePin p : s.clonePins()) {
      pins.add(
          Json.object(
              "source",
              p.sourcePath(),
              "checkpointId",
              p.checkpointId().toString(),
              "sourceManifestId",
              p.manifestId()));
    }
    return pins;
  }

  private static void print(PrintWriter out, Target target, Manifest manifest) {
    ManifestState s = manifest.state();
    out.printf("database         path '%s' in %s%n", target.path(), target.redactedUri());
    out.printf("manifest         %d (write id %s)%n", manifest.id(), manifest.writeId());
    out.printf("epochs           writer %d, compactor %d%n", s.writerEpoch(), s.compactorEpoch());
    out.printf("L0               %s%n", tables(s.l0().size(), bytes(s.l0())));
    out.printf("sorted runs      %d%n", s.sortedRuns().size());
    for (int i = 0; i < s.sortedRuns().size(); i++) {
      SortedRun run = s.sortedRuns().get(i);
      out.printf("  run %-10d %s%n", i, tables(run.tables().size(), run.sizeBytes()));
    }
    // Replay starts after flushedWalId; nextWalId is only a hint of where the log ends.
    out.printf(
        "WAL              flushed through %d, next %d (replay from %d)%n",
        s.flushedWalId(), s.nextWalId(), s.flushedWalId() + 1);
    out.printf("lastFlushedSeq   %d%n", s.lastFlushedSeq());
    out.printf("checkpoints      %d%n", s.checkpoints().size());
    for (Checkpoint c : s.checkpoints()) {
      out.println("  " + CheckpointCommand.line(c));
    }
    out.printf(
        "table floor      %s%n",
        s.condemnedThrough().isEmpty()
            ? "(none)"
            : "condemned through '" + s.condemnedThrough() + "'");
    for (ClonePin p : s.clonePins()) {
      // A clone: which source keeps the tables it shares, and how many it still shares.
      out.printf(
          "clone of         '%s' manifest %d (its checkpoint %s); %s still shared%n",
          p.sourcePath(), p.manifestId(), p.checkpointId(), Text.count(borrowed(s), "table"));
    }
  }

  private static int borrowed(ManifestState s) {
    int n = (int) s.l0().stream().filter(TableInfo::isBorrowed).count();
    for (SortedRun run : s.sortedRuns()) {
      n += (int) run.tables().stream().filter(TableInfo::isBorrowed).count();
    }
    return n;
  }

  private static String tables(int count, long bytes) {
    return Text.count(count, "table") + ", " + Text.size(bytes);
  }

  private static long bytes(List<TableInfo> tables) {
    long total = 0;
    for (TableInfo t : tables) {
      total += t.sizeBytes();
    }
    return total;
  }
}
