package dev.shaledb.sst;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/** The reference model of a table: a TreeMap of keys to their versions, newest first. */
final class TableModel {
  private final TreeMap<byte[], TreeMap<Long, SstEntry>> byKey =
      new TreeMap<>(Arrays::compareUnsigned);

  TableModel(List<SstEntry> entries) {
    for (SstEntry e : entries) {
      byKey.computeIfAbsent(e.key(), k -> new TreeMap<>(Comparator.reverseOrder())).put(e.seq(), e);
    }
  }

  Optional<SstEntry> get(byte[] key, long maxSeq) {
    TreeMap<Long, SstEntry> versions = byKey.get(key);
    if (versions == null) {
      return Optional.empty();
    }
    Map.Entry<Long, SstEntry> e = versions.ceilingEntry(maxSeq);
    return e == null ? Optional.empty() : Optional.of(e.getValue());
  }

  /** Visible entries with keys in [from, to) (null = unbounded), in table order. */
  List<SstEntry> scan(byte[] from, byte[] to, long maxSeq) {
    NavigableMap<byte[], TreeMap<Long, SstEntry>> range = byKey;
    if (from != null && to != null) {
      if (Arrays.compareUnsigned(from, to) >= 0) {
        return List.of();
      }
      range = byKey.subMap(from, true, to, false);
    } else if (from != null) {
      range = byKey.tailMap(from, true);
    } else if (to != null) {
      range = byKey.headMap(to, false);
    }
    List<SstEntry> out = new ArrayList<>();
    for (TreeMap<Long, SstEntry> versions : range.values()) {
      out.addAll(versions.tailMap(maxSeq, true).values());
    }
    return out;
  }

  List<byte[]> keys() {
    return new ArrayList<>(byKey.keySet());
  }
}
