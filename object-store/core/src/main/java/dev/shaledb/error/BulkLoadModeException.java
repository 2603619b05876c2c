package dev.shaledb.error;

/**
 * A write asked to be acknowledged as durable on a database opened in bulk-load mode ({@code
 * DbOptions.builder().bulkLoad(true)}), where writes skip the WAL and become durable only when
 * their memtable is flushed to a table: a durable write, {@code Db.writeAsync}, a durable or
 * asynchronous transaction commit, {@code putIfAbsent}. Nothing was applied and the database is
 * unchanged. Write with {@code WriteOptions.noWait()} and call {@code Db.flush()} (or {@code
 * close()}) to make the writes durable, or reopen without bulk-load mode.
 */
public class BulkLoadModeException extends DbException {
  private static final long serialVersionUID = 1L;

  public BulkLoadModeException(String message) {
    super(message);
  }
}
