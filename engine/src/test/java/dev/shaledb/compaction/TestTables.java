package dev.shaledb.compaction;

import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.sst.SstBuilder;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.table.TableKeys;
import dev.shaledb.table.TableStore;
import dev.shaledb.testing.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Compaction inputs for tests: random versions, put into a store as tables of database "db". */
final class TestTables {
  static final String DB = "db";
  static final Comparator<SstEntry> TABLE_ORDER =
      Comparator.comparing(SstEntry::key, Arrays::compareUnsigned)
          .thenComparing(SstEntry::seq, Comparator.reverseOrder());
  private static final AtomicInteger IDS = new AtomicInteger();

  private TestTables() {}

  static byte[] key(int i) {
    return String.format("key-%07d", i).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code count} versions of random keys below {@code keys}, each with its own sequence number.
   */
  static List<SstEntry> versions(Seeds.Gen gen, int count, int keys, AtomicInteger seqs) {
    List<SstEntry> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] key = key(gen.intBetween(0, keys - 1));
      long seq = seqs.incrementAndGet();
      out.add(
          gen.chance(0.1)
              ? SstEntry.delete(key, seq)
              : SstEntry.put(key, seq, gen.bytes(gen.intBetween(0, 300))));
    }
    return out;
  }

  /** A table of {@code entries} (any order) put into {@code store}. */
  static TableInfo put(ObjectStore store, List<SstEntry> entries, SstOptions options) {
    List<SstEntry> sorted = new ArrayList<>(entries);
    sorted.sort(TABLE_ORDER);
    String id = String.format("%032x", IDS.incrementAndGet());
    try (SstBuilder b = SstBuilder.inMemory(options, id)) {
      sorted.forEach(b::add);
      TableInfo info = TableStore.describe(id, b.finish());
      Futures.join(store.put(TableKeys.key(DB, id), b.bytes(), PutCondition.none()));
      return info;
    }
  }

  /**
   * A sorted run of {@code entries} cut into {@code tables} tables by key, every version of a key
   * in one table.
   */
  static SortedRun run(ObjectStore store, List<SstEntry> entries, int tables, SstOptions options) {
    List<SstEntry> sorted = new ArrayList<>(entries);
    sorted.sort(TABLE_ORDER);
    List<TableInfo> out = new ArrayList<>();
    int from = 0;
    for (int t = 1; t <= tables && from < sorted.size(); t++) {
      int to = t == tables ? sorted.size() : Math.max(from + 1, sorted.size() * t / tables);
      while (to < sorted.size() && Arrays.equals(sorted.get(to).key(), sorted.get(to - 1).key())) {
        to++;
      }
      out.add(put(store, sorted.subList(from, to), options));
      from = to;
    }
    return new SortedRun(out);
  }
}
