package dev.shaledb;

import java.util.Iterator;

/**
 * The keys of a range in ascending unsigned-byte order with their latest visible values, as of the
 * moment the iterator was created: later writes are not seen. Not thread-safe. Holds on to the
 * tables and memtables it reads, so close it when done; using it after {@link #close()} throws
 * {@link dev.shaledb.error.DbClosedException}.
 */
public interface DbIterator extends Iterator<KeyValue>, AutoCloseable {
  /** Releases what the iterator holds. Idempotent. */
  @Override
  void close();
}
