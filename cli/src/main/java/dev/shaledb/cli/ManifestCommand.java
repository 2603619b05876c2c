package dev.shaledb.cli;

import static dev.shaledb.objectstore.Futures.join;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.ObjectMeta;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shaledb manifest}: the manifest chain. {@code --history} lists the versions a LIST of the
 * manifest folder finds, newest first (retired ones are zero-byte objects, docs/gc.md); {@code
 * --dump ID} prints one live version's whole decoded state as JSON. Reads only.
 */
@Command(
    name = "manifest",
    description = "List manifest versions (--history) or print one as JSON (--dump ID|latest).")
final class ManifestCommand implements Callable<Integer> {
  @ParentCommand ShaleDbCli root;
  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Mode mode;

  static final class Mode {
    @Option(names = "--history", description = "List versions, newest first.")
    boolean history;

    @Option(
        names = "--dump",
        paramLabel = "ID",
        description = "Print version ID (or 'latest') as JSON, every field.")
    String dump;
  }

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "With --history: at most N versions (default ${DEFAULT-VALUE}; 0: all).")
  int limit;

  /** One version as the listing and, if live, its state show it. */
  record Version(ObjectMeta meta, long id, String status, ManifestState state) {}

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new CliException(ExitCodes.USAGE, "--limit must not be negative: " + limit);
    }
    try (Target target = root.target()) {
      if (mode.dump != null) {
        Manifest m = dumped(target);
        spec.commandLine().getOut().println(Json.write(dump(m, root.hex)));
        return ExitCodes.OK;
      }
      List<ObjectMeta> listing =
          new ArrayList<>(join(target.store().list(ManifestKeys.prefix(target.path()))));
      listing.removeIf(meta -> ManifestKeys.parseId(target.path(), meta.key()).isEmpty());
      if (listing.isEmpty()) {
        throw target.notFound();
      }
      listing.sort(
          Comparator.comparingLong(
                  (ObjectMeta meta) -> ManifestKeys.parseId(target.path(), meta.key()).getAsLong())
              .reversed());
      boolean truncated = limit > 0 && listing.size() > limit;
      List<Version> versions = new ArrayList<>();
      ManifestStore manifests = new ManifestStore(target.store(), target.path());
      for (ObjectMeta meta : truncated ? listing.subList(0, limit) : listing) {
        versions.add(version(manifests, target.path(), meta));
      }
      print(versions, listing.size(), truncated);
    }
    return ExitCodes.OK;
  }

  private Manifest dumped(Target target) {
    if (mode.dump.equals("latest")) {
      return target.latestManifest();
    }
    long id;
    try {
      id = Long.parseLong(mode.dump);
    } catch (NumberFormatException e) {
      throw new CliException(
          ExitCodes.USAGE, "--dump takes a manifest id or 'latest', not '" + mode.dump + "'");
    }
    if (id < 1) {
      throw new CliException(ExitCodes.USAGE, "manifest ids start at 1, not " + id);
    }
    target.latestManifest(); // "no database" before "no such version"
    return new ManifestStore(target.store(), target.path())
        .read(id)
        .orElseThrow(
            () ->
                new CliException(
                    ExitCodes.NO,
                    "manifest "
                        + id
                        + " does not exist or was retired ('"
                        + ManifestKeys.key(target.path(), id)
                        + "')"));
  }

  private static Version version(ManifestStore manifests, String path, ObjectMeta meta) {
    OptionalLong parsed = ManifestKeys.parseId(path, meta.key());
    long id = parsed.getAsLong();
    if (meta.size() == 0) {
      return new Version(meta, id, "retired", null);
    }
    try {
      Optional<Manifest> m = manifests.read(id);
      return m.isPresent()
          ? new Version(meta, id, "live", m.get().state())
          : new Version(meta, id, "retired", null);
    } catch (CorruptObjectException e) {
      return new Version(meta, id, "damaged at offset " + e.offset(), null);
    }
  }

  private void print(List<Version> versions, int total, boolean truncated) {
    PrintWriter out = spec.commandLine().getOut();
    if (root.json) {
      List<Object> json = new ArrayList<>();
      for (Version v : versions) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", v.id());
        o.put("bytes", v.meta().size());
        o.put("lastModified", v.meta().lastModified().toString());
        o.put("status", v.status());
        if (v.state() != null) {
          ManifestState s = v.state();
          o.put("writerEpoch", s.writerEpoch());
          o.put("compactorEpoch", s.compactorEpoch());
          o.put("l0Tables", s.l0().size());
          o.put("sortedRuns", s.sortedRuns().size());
          o.put("checkpoints", s.checkpoints().size());
        }
        json.add(o);
      }
      out.println(
          Json.write(Json.object("versions", json, "total", total, "truncated", truncated)));
      return;
    }
    out.printf(
        "%8s %10s  %-30s  %-8s %6s %9s %4s %4s %11s%n",
        "id", "size", "lastModified", "status", "writer", "compactor", "L0", "runs", "checkpoints");
    for (Version v : versions) {
      ManifestState s = v.state();
      out.printf(
          "%8d %10s  %-30s  %-8s %6s %9s %4s %4s %11s%n",
          v.id(),
          Text.size(v.meta().size()),
          v.meta().lastModified(),
          v.status(),
          s == null ? "-" : s.writerEpoch(),
          s == null ? "-" : s.compactorEpoch(),
          s == null ? "-" : s.l0().size(),
          s == null ? "-" : s.sortedRuns().size(),
          s == null ? "-" : s.checkpoints().size());
    }
    out.println(
        Text.count(total, "version")
            + (truncated ? " (showing the newest " + versions.size() + "; --limit)" : ""));
  }

  /** Every field of version {@code m}, as JSON. */
  static Map<String, Object> dump(Manifest m, boolean hex) {
    ManifestState s = m.state();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", m.id());
    json.put("writeId", m.writeId().toString());
    json.put("writerEpoch", s.writerEpoch());
    json.put("compactorEpoch", s.compactorEpoch());
    json.put("flushedWalId", s.flushedWalId());
    json.put("nextWalId", s.nextWalId());
    json.put("lastFlushedSeq", s.lastFlushedSeq());
    json.put("l0", tables(s.l0(), hex));
    List<Object> runs = new ArrayList<>();
    for (SortedRun run : s.sortedRuns()) {
      runs.add(Json.object("bytes", run.sizeBytes(), "tables", tables(run.tables(), hex)));
    }
    json.put("sortedRuns", runs);
    List<Object> checkpoints = new ArrayList<>();
    s.checkpoints().forEach(c -> checkpoints.add(CheckpointCommand.describe(c)));
    json.put("checkpoints", checkpoints);
    json.put("condemnedThrough", s.condemnedThrough());
    json.put("cloneOf", InfoCommand.clonePins(s));
    List<Object> unknown = new ArrayList<>();
    s.unknownFields().fields().forEach((tag, bytes) -> unknown.add(tag));
    json.put("unknownFieldTags", unknown);
    return json;
  }

  private static List<Object> tables(List<TableInfo> tables, boolean hex) {
    List<Object> json = new ArrayList<>();
    for (TableInfo t : tables) {
      Map<String, Object> table =
          Json.object(
              "id",
              t.id(),
              "bytes",
              t.sizeBytes(),
              "smallestKey",
              Text.format(t.smallestKey(), hex),
              "largestKey",
              Text.format(t.largestKey(), hex),
              "minSeq",
              t.minSeq(),
              "maxSeq",
              t.maxSeq(),
              "crc32c",
              Integer.toUnsignedLong(t.crc32c()));
      if (t.isBorrowed()) {
        table.put("home", t.home());
      }
      json.add(table);
    }
    return json;
  }
}
