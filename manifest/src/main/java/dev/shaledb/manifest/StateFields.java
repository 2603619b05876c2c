package dev.shaledb.manifest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Encodes and decodes the list-valued manifest fields: tables, sorted runs and checkpoints. */
final class StateFields {
  private static final int MAX_COUNT = Integer.MAX_VALUE - 8;

  private StateFields() {}

  static void writeTables(BigEndianSink out, List<TableInfo> tables) {
    out.u32(tables.size());
    for (TableInfo t : tables) {
      writeTable(out, t);
    }
  }

  static List<TableInfo> readTables(BigEndianSource in) {
    List<TableInfo> tables = readTableList(in);
    in.expectEnd("table list");
    return tables;
  }

  static void writeRuns(BigEndianSink out, List<SortedRun> runs) {
    out.u32(runs.size());
    for (SortedRun run : runs) {
      writeTables(out, run.tables());
    }
  }

  static List<SortedRun> readRuns(BigEndianSource in) {
    int count = in.length("sorted run count", MAX_COUNT);
    List<SortedRun> runs = new ArrayList<>(Math.min(count, 1024));
    for (int i = 0; i < count; i++) {
      runs.add(new SortedRun(readTableList(in)));
    }
    in.expectEnd("sorted runs");
    return runs;
  }

  static void writeCheckpoints(BigEndianSink out, List<Checkpoint> checkpoints) {
    out.u32(checkpoints.size());
    for (Checkpoint c : checkpoints) {
      out.u64(c.id().getMostSignificantBits()).u64(c.id().getLeastSignificantBits());
      out.u64(c.manifestId());
      if (c.expireAt() == null) {
        out.u8(0);
      } else {
        out.u8(1).u64(c.expireAt().getEpochSecond()).u32(c.expireAt().getNano());
      }
      byte[] name = c.name().getBytes(StandardCharsets.UTF_8);
      out.u16(name.length).bytes(name);
    }
  }

  static List<Checkpoint> readCheckpoints(BigEndianSource in) {
    int count = in.length("checkpoint count", MAX_COUNT);
    List<Checkpoint> checkpoints = new ArrayList<>(Math.min(count, 1024));
    for (int i = 0; i < count; i++) {
      UUID id = new UUID(in.u64("checkpoint id"), in.u64("checkpoint id"));
      long manifestId = in.u64("checkpoint manifest id");
      int at = in.position();
      int hasExpiry = in.u8("checkpoint expiry flag");
      Instant expireAt = null;
      if (hasExpiry == 1) {
        expireAt =
            Instant.ofEpochSecond(in.u64("expiry seconds"), in.length("expiry nanos", 999_999_999));
      } else if (hasExpiry != 0) {
        throw in.corruptAt(at, "checkpoint expiry flag is " + hasExpiry);
      }
      String name = new String(in.bytes(in.u16("name length"), "name"), StandardCharsets.UTF_8);
      checkpoints.add(new Checkpoint(id, manifestId, expireAt, name));
    }
    in.expectEnd("checkpoints");
    return checkpoints;
  }

  /**
   * Writes the clone field (1.4): the pins, then the borrowed tables grouped by home. The table
   * lists themselves stay as older builds wrote them; homes are applied to them when decoding.
   */
  static void writeClone(BigEndianSink out, ManifestState state) {
    out.u32(state.clonePins().size());
    for (ClonePin pin : state.clonePins()) {
      writePath(out, pin.sourcePath());
      out.u64(pin.checkpointId().getMostSignificantBits());
      out.u64(pin.checkpointId().getLeastSignificantBits());
      out.u64(pin.manifestId());
    }
    Map<String, List<String>> homes = new TreeMap<>();
    List<TableInfo> all = new ArrayList<>(state.l0());
    state.sortedRuns().forEach(run -> all.addAll(run.tables()));
    for (TableInfo t : all) {
      if (t.isBorrowed()) {
        homes.computeIfAbsent(t.home(), h -> new ArrayList<>()).add(t.id());
      }
    }
    out.u32(homes.size());
    for (Map.Entry<String, List<String>> home : homes.entrySet()) {
      writePath(out, home.getKey());
      out.u32(home.getValue().size());
      for (String id : home.getValue()) {
        byte[] bytes = id.getBytes(StandardCharsets.US_ASCII);
        out.u8(bytes.length).bytes(bytes);
      }
    }
  }

  /** The clone field: its pins, and the home of every borrowed table id. */
  record Clone(List<ClonePin> pins, Map<String, String> homes) {}

  static Clone readClone(BigEndianSource in) {
    int count = in.length("clone pin count", MAX_COUNT);
    List<ClonePin> pins = new ArrayList<>(Math.min(count, 16));
    for (int i = 0; i < count; i++) {
      String path = readPath(in);
      UUID id = new UUID(in.u64("clone checkpoint id"), in.u64("clone checkpoint id"));
      pins.add(new ClonePin(path, id, in.u64("clone manifest id")));
    }
    Map<String, String> homes = new HashMap<>();
    int homeCount = in.length("home count", MAX_COUNT);
    for (int i = 0; i < homeCount; i++) {
      String home = readPath(in);
      int ids = in.length("borrowed table count", MAX_COUNT);
      for (int j = 0; j < ids; j++) {
        int at = in.position();
        String id =
            new String(in.bytes(in.u8("table id length"), "table id"), StandardCharsets.US_ASCII);
        if (homes.put(id, home) != null) {
          throw in.corruptAt(at, "borrowed table " + id + " has two homes");
        }
      }
    }
    in.expectEnd("clone");
    return new Clone(pins, homes);
  }

  private static void writePath(BigEndianSink out, String path) {
    byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
    out.u16(bytes.length).bytes(bytes);
  }

  private static String readPath(BigEndianSource in) {
    return new String(in.bytes(in.u16("path length"), "path"), StandardCharsets.UTF_8);
  }

  private static void writeTable(BigEndianSink out, TableInfo t) {
    byte[] id = t.id().getBytes(StandardCharsets.US_ASCII);
    out.u8(id.length).bytes(id);
    out.u64(t.sizeBytes());
    out.u16(t.smallestKeyRef().length).bytes(t.smallestKeyRef());
    out.u16(t.largestKeyRef().length).bytes(t.largestKeyRef());
    out.u64(t.minSeq()).u64(t.maxSeq()).u32(t.crc32c());
  }

  private static List<TableInfo> readTableList(BigEndianSource in) {
    int count = in.length("table count", MAX_COUNT);
    List<TableInfo> tables = new ArrayList<>(Math.min(count, 1024));
    for (int i = 0; i < count; i++) {
      String id =
          new String(in.bytes(in.u8("table id length"), "table id"), StandardCharsets.US_ASCII);
      long size = in.u64("table size");
      byte[] smallest = in.bytes(in.u16("key length"), "smallest key");
      byte[] largest = in.bytes(in.u16("key length"), "largest key");
      long minSeq = in.u64("min seq");
      long maxSeq = in.u64("max seq");
      int crc = in.u32("table crc32c");
      tables.add(new TableInfo(id, size, smallest, largest, minSeq, maxSeq, crc));
    }
    return tables;
  }
}
