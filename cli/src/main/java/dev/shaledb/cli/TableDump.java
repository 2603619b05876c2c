package dev.shaledb.cli;

import dev.shaledb.sst.Compression;
import dev.shaledb.sst.RangeTombstones;
import dev.shaledb.sst.SstIterator;
import dev.shaledb.sst.SstLayout;
import dev.shaledb.sst.SstMetadata;
import dev.shaledb.sst.SstReader;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code sst-dump} shows of one table, gathered as JSON-ready sections so the text and the
 * JSON output say the same: footer and layout, metadata stats, filter, range tombstones, the index
 * (with each block's first and last key, found by reading the block) and, if asked, entries. Every
 * list is cut at the limit, and says so. A problem met on the way (a damaged block) ends the dump
 * with what was gathered so far and the problem.
 */
final class TableDump {
  private final Map<String, Object> json = new LinkedHashMap<>();
  private final boolean hex;
  private final int limit; // -1: no limit
  private final List<Object> problems = new ArrayList<>();

  TableDump(String id, String key, long bytes, boolean hex, int limit) {
    this.hex = hex;
    this.limit = limit;
    json.put("id", id);
    json.put("key", key);
    json.put("bytes", bytes);
  }

  void read(SstReader reader, boolean withEntries, byte[] start) {
    SstLayout layout = reader.layout();
    SstMetadata m = reader.metadata();
    json.put("formatVersion", layout.formatVersion());
    json.put("entryCount", m.entryCount());
    json.put("puts", m.putCount());
    json.put("deletes", m.deleteCount());
    json.put("merges", m.mergeCount());
    json.put("distinctKeys", m.distinctKeyCount());
    json.put("smallestKey", Text.format(m.smallestKey(), hex));
    json.put("largestKey", Text.format(m.largestKey(), hex));
    json.put("minSeq", m.minSeq());
    json.put("maxSeq", m.maxSeq());
    json.put("keyBytes", m.rawKeyBytes());
    json.put("valueBytes", m.rawValueBytes());
    json.put("blocks", m.dataBlockCount());
    json.put("dataBytesUncompressed", m.dataBytesUncompressed());
    json.put("dataBytesStored", m.dataBytesStored());
    Compression c = m.options().compression();
    json.put("compression", c.codec() + (c.level() > 0 ? " level " + c.level() : ""));
    json.put(
        "filter",
        Json.object(
            "kind",
            layout.filterBits() == 0 ? "none" : "bloom",
            "bits",
            layout.filterBits(),
            "probes",
            layout.filterProbes(),
            "bytes",
            layout.filterLength()));
    json.put(
        "tail",
        Json.object(
            "indexOffset", layout.indexOffset(),
            "indexBytes", layout.indexLength(),
            "rangeTombstoneBytes", layout.rangeTombstoneLength(),
            "metaBytes", layout.metaLength()));
    List<Object> tombstones = new ArrayList<>();
    List<RangeTombstones.Fragment> fragments = reader.rangeTombstones().fragments();
    for (RangeTombstones.Fragment f : cut(fragments)) {
      List<Object> seqs = new ArrayList<>();
      for (long seq : f.seqs()) {
        seqs.add(seq);
      }
      tombstones.add(
          Json.object(
              "start",
              Text.format(f.start(), hex),
              "end",
              Text.format(f.end(), hex),
              "seqs",
              seqs));
    }
    json.put("rangeTombstones", tombstones);
    json.put("rangeTombstonesTruncated", tombstones.size() < fragments.size());
    index(reader, layout);
    if (withEntries) {
      entries(reader, start);
    }
  }

  private <T> List<T> cut(List<T> list) {
    return limit < 0 || list.size() <= limit ? list : list.subList(0, limit);
  }

  /** The index, with each listed block's first and last key from an entry scan of those blocks. */
  private void index(SstReader reader, SstLayout layout) {
    List<SstLayout.Block> blocks = cut(layout.blocks());
    json.put("indexTruncated", blocks.size() < layout.blocks().size());
    List<Map<String, Object>> index = new ArrayList<>();
    for (int b = 0; b < blocks.size(); b++) {
      SstLayout.Block block = blocks.get(b);
      Map<String, Object> o =
          Json.object(
              "block",
              b,
              "offset",
              block.offset(),
              "bytes",
              block.storedLength(),
              "firstKey",
              null,
              "lastKey",
              null,
              "separator",
              Text.format(block.separator(), hex));
      index.add(o);
    }
    json.put("index", index);
    SstIterator it = reader.iterator(Long.MAX_VALUE);
    for (it.seekToFirst(); it.isValid() && it.block() < index.size(); it.next()) {
      Map<String, Object> o = index.get(it.block());
      String k = Text.format(it.key(), hex);
      if (o.get("firstKey") == null) {
        o.put("firstKey", k);
      }
      o.put("lastKey", k);
    }
  }

  private void entries(SstReader reader, byte[] start) {
    List<Object> list = new ArrayList<>();
    SstIterator it = reader.iterator(Long.MAX_VALUE);
    if (start == null) {
      it.seekToFirst();
    } else {
      it.seek(start);
    }
    boolean truncated = false;
    for (; it.isValid(); it.next()) {
      if (limit >= 0 && list.size() == limit) {
        truncated = true;
        break;
      }
      byte[] value = it.value();
      long expiry = it.expireAtMillis();
      list.add(
          Json.object(
              "key", Text.format(it.key(), hex),
              "seq", it.seq(),
              "kind", it.kind().name(),
              "value", value == null ? null : Text.format(value, hex),
              "expireAt", expiry < 0 ? null : Instant.ofEpochMilli(expiry).toString()));
    }
    json.put("entries", list);
    json.put("entriesTruncated", truncated);
  }

  void problem(String key, long offset, String problem) {
    problems.add(Json.object("key", key, "offset", offset, "problem", problem));
  }

  boolean damaged() {
    return !problems.isEmpty();
  }

  void print(PrintWriter out, boolean asJson) {
    json.put("problems", problems);
    if (asJson) {
      out.println(Json.write(json));
      return;
    }
    TableDumpText.print(out, json);
  }
}
