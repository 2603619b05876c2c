package dev.shaledb.cli;

import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.TableInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shaledb tables}: the live tables of the latest manifest, newest first within L0 and within
 * the sorted runs (the manifest's order). Reads only the manifest.
 */
@Command(name = "tables", description = "List the live tables: id, level, size, key and seq range.")
final class TablesCommand implements Callable<Integer> {
  @ParentCommand ShaleDbCli root;
  @Spec CommandSpec spec;

  /** One live table and where it sits: "L0" or "run N" (N counts from the newest run, 0). */
  record LiveTable(String level, TableInfo table) {}

  @Override
  public Integer call() {
    List<LiveTable> tables;
    try (Target target = root.target()) {
      tables = live(target.latestManifest().state());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (root.json) {
      List<Object> json = new ArrayList<>();
      for (LiveTable t : tables) {
        json.add(describe(t));
      }
      out.println(Json.write(Json.object("tables", json)));
      return ExitCodes.OK;
    }
    out.printf("%-6s %-32s %10s  %-21s  %s%n", "level", "id", "size", "seqs", "keys");
    for (LiveTable t : tables) {
      TableInfo i = t.table();
      out.printf(
          "%-6s %-32s %10s  %-21s  [%s .. %s]%s%n",
          t.level(),
          i.id(),
          Text.size(i.sizeBytes()),
          i.minSeq() + ".." + i.maxSeq(),
          Text.format(i.smallestKey(), root.hex),
          Text.format(i.largestKey(), root.hex),
          i.isBorrowed() ? "  shared, in '" + i.home() + "'" : "");
    }
    out.println(Text.count(tables.size(), "table"));
    return ExitCodes.OK;
  }

  static List<LiveTable> live(ManifestState state) {
    List<LiveTable> tables = new ArrayList<>();
    for (TableInfo t : state.l0()) {
      tables.add(new LiveTable("L0", t));
    }
    for (int r = 0; r < state.sortedRuns().size(); r++) {
      for (TableInfo t : state.sortedRuns().get(r).tables()) {
        tables.add(new LiveTable("run " + r, t));
      }
    }
    return tables;
  }

  private Map<String, Object> describe(LiveTable t) {
    TableInfo i = t.table();
    Map<String, Object> json = describeOwn(i, t.level());
    if (i.isBorrowed()) {
      json.put("home", i.home());
    }
    return json;
  }

  private Map<String, Object> describeOwn(TableInfo i, String level) {
    return Json.object(
        "id",
        i.id(),
        "level",
        level,
        "bytes",
        i.sizeBytes(),
        "smallestKey",
        Text.format(i.smallestKey(), root.hex),
        "largestKey",
        Text.format(i.largestKey(), root.hex),
        "minSeq",
        i.minSeq(),
        "maxSeq",
        i.maxSeq());
  }
}
