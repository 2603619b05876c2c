package dev.shaledb.manifest;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * A sorted run: tables in ascending key order whose key ranges do not overlap, that together behave
 * like one large table. Produced by compaction.
 *
 * <p>Each table's smallest key sorts at or after the previous table's largest key. Equal keys
 * ("touching" tables) are allowed because a compaction that cuts its output at key {@code F} splits
 * a range tombstone {@code [s, e)} there: the earlier table gets {@code [s, F)}, so its largest key
 * is the exclusive bound {@code F}, which it over-claims but never holds as a key; the next table
 * starts at {@code F}. A lookup of the shared key therefore belongs to the later table. Overlap
 * (the previous largest key after the next smallest) and tables out of order are refused. A
 * manifest that lists touching tables is written with a critical field so that builds that predate
 * this rule refuse it instead of calling it corrupt ({@code docs/formats/manifest.md}).
 *
 * @param tables at least one table; each table's smallest key sorts at or after the previous
 *     table's largest key
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
      if (Arrays.compareUnsigned(previous.largestKeyRef(), current.smallestKeyRef()) > 0) {
        throw new IllegalArgumentException(
            "tables of a sorted run overlap or are out of order: "
                + previous.id()
                + " ends after "
                + current.id()
                + " starts");
      }
    }
  }

  /** A run of the given tables; see {@link SortedRun#SortedRun(List)}. */
  public static SortedRun of(TableInfo... tables) {
    return new SortedRun(List.of(tables));
  }

  /**
   * Whether some table's largest key equals the next table's smallest key (the earlier table's
   * largest key is then an exclusive bound; see the class description).
   */
  public boolean hasTouchingTables() {
    for (int i = 1; i < tables.size(); i++) {
      if (Arrays.equals(tables.get(i - 1).largestKeyRef(), tables.get(i).smallestKeyRef())) {
        return true;
      }
    }
    return false;
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
