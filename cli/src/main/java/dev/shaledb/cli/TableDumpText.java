package dev.shaledb.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** The text form of a {@link TableDump}: the same facts as its JSON, in aligned lines. */
final class TableDumpText {
  private TableDumpText() {}

  static void print(PrintWriter out, Map<String, Object> d) {
    out.printf("table            %s (%s)%n", d.get("id"), d.get("key"));
    if (d.containsKey("formatVersion")) {
      out.printf(
          "format           version %s, %s (%s bytes)%n",
          d.get("formatVersion"), Text.size((Long) d.get("bytes")), d.get("bytes"));
      out.printf(
          "entries          %s: %s puts, %s deletes, %s merges; %s distinct keys%n",
          d.get("entryCount"),
          d.get("puts"),
          d.get("deletes"),
          d.get("merges"),
          d.get("distinctKeys"));
      out.printf("keys             [%s .. %s]%n", d.get("smallestKey"), d.get("largestKey"));
      out.printf("seqs             %s..%s%n", d.get("minSeq"), d.get("maxSeq"));
      out.printf(
          "raw bytes        keys %s, values %s%n",
          Text.size((Long) d.get("keyBytes")), Text.size((Long) d.get("valueBytes")));
      out.printf(
          "data             %s, %s uncompressed, %s stored, compression %s%n",
          Text.count((Long) d.get("blocks"), "block"),
          Text.size((Long) d.get("dataBytesUncompressed")),
          Text.size((Long) d.get("dataBytesStored")),
          d.get("compression"));
      Map<?, ?> f = (Map<?, ?>) d.get("filter");
      out.printf(
          "filter           %s%n",
          "none".equals(f.get("kind"))
              ? "none"
              : String.format(
                  "bloom, %s bits, %s probes, %s",
                  f.get("bits"), f.get("probes"), Text.size(((Integer) f.get("bytes")))));
      Map<?, ?> t = (Map<?, ?>) d.get("tail");
      out.printf(
          "tail             index at %s (%s), range tombstones %s, metadata %s%n",
          t.get("indexOffset"),
          Text.size((Integer) t.get("indexBytes")),
          Text.size((Integer) t.get("rangeTombstoneBytes")),
          Text.size((Integer) t.get("metaBytes")));
      List<?> tombstones = (List<?>) d.get("rangeTombstones");
      out.printf("range tombstones %d%s%n", tombstones.size(), more(d, "rangeTombstonesTruncated"));
      for (Object o : tombstones) {
        Map<?, ?> r = (Map<?, ?>) o;
        out.printf("  [%s .. %s) seqs %s%n", r.get("start"), r.get("end"), r.get("seqs"));
      }
      List<?> index = (List<?>) d.get("index");
      if (index != null) {
        out.printf(
            "index            %s%s%n",
            Text.count(index.size(), "block"), more(d, "indexTruncated"));
        out.printf("  %5s %10s %10s  %s%n", "block", "offset", "size", "keys");
        for (Object o : index) {
          Map<?, ?> b = (Map<?, ?>) o;
          out.printf(
              "  %5s %10s %10s  [%s .. %s]%n",
              b.get("block"),
              b.get("offset"),
              Text.size((Integer) b.get("bytes")),
              b.get("firstKey"),
              b.get("lastKey"));
        }
      }
      List<?> entries = (List<?>) d.get("entries");
      if (entries != null) {
        out.printf("entries%s%n", more(d, "entriesTruncated"));
        for (Object o : entries) {
          Map<?, ?> e = (Map<?, ?>) o;
          out.printf(
              "  %s\t%s\t%s\t%s%s%n",
              e.get("key"),
              e.get("seq"),
              e.get("kind"),
              e.get("value") == null ? "" : e.get("value"),
              e.get("expireAt") == null ? "" : "\texpires " + e.get("expireAt"));
        }
      }
    }
    for (Object o : (List<?>) d.get("problems")) {
      Map<?, ?> p = (Map<?, ?>) o;
      long offset = (Long) p.get("offset");
      out.println(
          "PROBLEM "
              + p.get("key")
              + (offset >= 0 ? " at offset " + offset : "")
              + ": "
              + p.get("problem"));
    }
  }

  private static String more(Map<String, Object> d, String truncated) {
    return Boolean.TRUE.equals(d.get(truncated)) ? " (cut at --limit)" : "";
  }
}
