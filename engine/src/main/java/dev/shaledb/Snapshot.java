package dev.shaledb;

/**
 * A consistent view of the database at one moment, for repeatable reads: pass it in {@link
 * ReadOptions#withSnapshot(Snapshot)}. While open, it keeps the versions it can see from being
 * dropped, so close it when done. Reading with a closed snapshot throws {@link
 * dev.shaledb.error.DbClosedException}. If a write this snapshot sees later fails (the writer was
 * fenced or its WAL failed), reads through it throw that failure: it can neither show the failed
 * write nor stop showing it without changing its answer.
 */
public interface Snapshot extends AutoCloseable {
  /** The sequence number of the last write this snapshot sees. */
  long sequence();

  /** Releases the snapshot. Idempotent. */
  @Override
  void close();
}
