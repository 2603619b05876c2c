package dev.shaledb.manifest;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * A sorted run: tables with disjoint key ranges, in ascending key order, that together behave like
 * one large table. Produced by compaction.
 *
 * @param tables at least one table; each table's smallest key sorts after the previous table's
 *     largest key
 */
public record SortedRun(List<TableInfo> tables) {
  public SortedRun {
    requireNonNull(tables, "tables is null");
    tables = List.copyOf(tables);
    if (tables.isEmpty()) {
      throw new IllegalArgumentException("a sorted run has no tables");
    }
    for (int i = 1; i < tables.size(); i++) {
      TableInfo previous = tables.get(i - 1);
      TableInfo current = tables.get(i);
      if (Arrays.compareUnsigned(previous.largestKeyRef(), current.smallestKeyRef()) >= 0) {
        throw new IllegalArgumentException(
            "tables of a sorted run overlap or are out of order: "
                + previous.id()
                + " then "
                + current.id());
      }
    }
  }

  /** A run of the given tables; see {@link SortedRun#SortedRun(List)}. */
  public static SortedRun of(TableInfo... tables) {
    return new SortedRun(List.of(tables));
  }

  /** The sum of the tables' sizes in bytes. */
  public long sizeBytes() {
    long total = 0;
    for (TableInfo table : tables) {
      total += table.sizeBytes();
    }
    return total;
  }
}
