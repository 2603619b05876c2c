package dev.shaledb;

/**
 * What a {@link Transaction} is checked for at commit; both read from one snapshot taken when the
 * transaction begins (docs/transactions.md).
 */
public enum IsolationLevel {
  /**
   * Snapshot isolation: the commit fails if a write committed after the snapshot touched a key the
   * transaction writes (first committer wins). Reads are not checked, so write skew is possible:
   * two transactions that each read what the other writes may both commit.
   */
  SNAPSHOT,

  /**
   * Serializable: the commit also fails if a write committed after the snapshot touched a key the
   * transaction read or a range it scanned, so every committed transaction behaves as if it ran
   * alone at its commit. More commits fail under contention than with {@link #SNAPSHOT}.
   */
  SERIALIZABLE
}
