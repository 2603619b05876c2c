package dev.shaledb.cli;

import static dev.shaledb.objectstore.Futures.join;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.UnsupportedFormatException;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.sst.RangeReader;
import dev.shaledb.sst.SstReader;
import dev.shaledb.sst.SstReaderOptions;
import dev.shaledb.table.TableKeys;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shaledb sst-dump ID}: one table object as its reader sees it (see {@link TableDump}).
 * Reads only; the table need not be live. Damage is one {@code PROBLEM} line with the object key
 * and offset, as {@code verify} prints it, and exit code 1.
 */
@Command(
    name = "sst-dump",
    description =
        "Show one table: footer, stats, index, filter, range tombstones; with --entries its"
            + " entries. Exit code 1 if it is damaged.")
final class SstDumpCommand implements Callable<Integer> {
  @ParentCommand ShaleDbCli root;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ID", description = "The table id, as 'tables' lists it.")
  String id;

  @Option(names = "--entries", description = "Also print the entries, in key order.")
  boolean entries;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description =
          "At most N index blocks, range tombstones and entries each (default ${DEFAULT-VALUE};"
              + " 0: all).")
  int limit;

  @Option(
      names = "--start",
      paramLabel = "KEY",
      description = "With --entries: start at the first entry at or after KEY.")
  String start;

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new CliException(ExitCodes.USAGE, "--limit must not be negative: " + limit);
    }
    if (start != null && !entries) {
      throw new CliException(ExitCodes.USAGE, "--start needs --entries");
    }
    byte[] startKey = start == null ? null : Text.parse(start, root.hex, "start key");
    try (Target target = root.target()) {
      target.latestManifest();
      if (!id.matches("[0-9A-Za-z_-]+")) {
        throw new CliException(ExitCodes.USAGE, "'" + id + "' is not a table id");
      }
      String key = TableKeys.key(target.path(), id);
      byte[] object;
      try {
        object = join(target.store().get(key)).data();
      } catch (ObjectNotFoundException e) {
        throw new CliException(ExitCodes.NO, "no table " + id + " ('" + key + "')");
      }
      TableDump dump = new TableDump(id, key, object.length, root.hex, limit == 0 ? -1 : limit);
      try {
        SstReader reader =
            SstReader.open(key, id, RangeReader.of(object), SstReaderOptions.defaults());
        dump.read(reader, entries, startKey);
      } catch (CorruptObjectException e) {
        dump.problem(e.key(), e.offset(), Verification.problemOf(e));
      } catch (UnsupportedFormatException e) {
        dump.problem(key, -1, e.getMessage());
      }
      dump.print(spec.commandLine().getOut(), root.json);
      return dump.damaged() ? ExitCodes.NO : ExitCodes.OK;
    }
  }
}
