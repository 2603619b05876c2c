package dev.shaledb.cli;

import dev.shaledb.DbIterator;
import dev.shaledb.DbReader;
import dev.shaledb.KeyValue;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shaledb scan}: keys and values in order, through a read-only {@link DbReader}. Text output
 * is one {@code key<TAB>value} line per entry.
 */
@Command(
    name = "scan",
    description = "Print keys and values in key order. Reads only; fences nobody.")
final class ScanCommand implements Callable<Integer> {
  @ParentCommand ShaleDbCli root;
  @Spec CommandSpec spec;

  @Mixin CheckpointOption pinned;

  @Option(names = "--start", paramLabel = "K", description = "The first key (inclusive).")
  String start;

  @Option(names = "--end", paramLabel = "K", description = "The end key (exclusive).")
  String end;

  @Option(
      names = "--prefix",
      paramLabel = "P",
      description = "Only keys that start with P (not with --start or --end).")
  String prefix;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "The most entries to print (default: ${DEFAULT-VALUE}; 0 for all).")
  long limit;

  @Option(names = "--reverse", description = "Largest key first.")
  boolean reverse;

  @Override
  public Integer call() {
    if (prefix != null && (start != null || end != null)) {
      throw new ParameterException(
          spec.commandLine(), "--prefix cannot be combined with --start or --end");
    }
    if (limit < 0) {
      throw new ParameterException(spec.commandLine(), "--limit is negative: " + limit);
    }
    byte[] from = start == null ? null : Text.parse(start, root.hex, "--start");
    byte[] to = end == null ? null : Text.parse(end, root.hex, "--end");
    List<KeyValue> entries = new ArrayList<>();
    boolean more = false;
    try (Target target = root.target();
        DbReader reader = target.openReader(pinned.checkpoint);
        DbIterator it = open(reader, from, to)) {
      while (it.hasNext()) {
        if (limit > 0 && entries.size() == limit) {
          more = true;
          break;
        }
        entries.add(it.next());
      }
    }
    print(entries, more);
    return ExitCodes.OK;
  }

  private DbIterator open(DbReader reader, byte[] from, byte[] to) {
    if (prefix != null) {
      byte[] p = Text.parse(prefix, root.hex, "--prefix");
      return reverse ? reader.scanPrefixReverse(p) : reader.scanPrefix(p);
    }
    return reverse ? reader.scanReverse(from, to) : reader.scan(from, to);
  }

  private void print(List<KeyValue> entries, boolean more) {
    PrintWriter out = spec.commandLine().getOut();
    if (root.json) {
      List<Object> json = new ArrayList<>();
      for (KeyValue kv : entries) {
        json.add(
            Json.object(
                "key",
                Text.format(kv.key(), root.hex),
                "value",
                Text.format(kv.value(), root.hex)));
      }
      out.println(Json.write(Json.object("entries", json, "truncated", more)));
      return;
    }
    for (KeyValue kv : entries) {
      out.println(Text.format(kv.key(), root.hex) + "\t" + Text.format(kv.value(), root.hex));
    }
    if (more) {
      // On stderr, so a pipe gets exactly the entries.
      spec.commandLine()
          .getErr()
          .println("shaledb: stopped after " + limit + " entries (--limit; 0 for all)");
    }
  }
}
