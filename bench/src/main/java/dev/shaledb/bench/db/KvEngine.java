package dev.shaledb.bench.db;

import java.nio.file.Path;

/**
 * The few operations the db_bench workloads need, so that one JMH benchmark runs unchanged against
 * ShaleDB and RocksDB and reports their ratio from one run on one machine.
 *
 * <p>Both adapters are configured for the same promise: {@link #put} returns before the write is
 * durable (ShaleDB {@code awaitDurable=false}; RocksDB WAL on, {@code sync=false}), {@link
 * #flush()} makes every accepted write durable, and {@link #close()} moves the memtables into
 * tables, so a reopen reads from tables. Not thread-safe to close concurrently with other calls;
 * every other method may be called from many threads.
 */
public interface KvEngine extends AutoCloseable {

  /** Stores {@code value} under {@code key} without waiting for durability. */
  void put(byte[] key, byte[] value);

  /** The value of {@code key}, or null. */
  /** Adds {@code operand} (8 bytes, little-endian) to the counter at {@code key}; no sync. */
  void merge(byte[] key, byte[] operand);

  /** Deletes every key in {@code [start, end)}; no sync. */
  void deleteRange(byte[] start, byte[] end);

  byte[] get(byte[] key);

  /** A cursor over the keys at or after {@code from} (null: from the first key). */
  Cursor scan(byte[] from);

  /** Makes every write accepted so far durable; returns when it is. */
  void flush();

  /**
   * Waits until background compaction has nothing left to do, so a read benchmark measures the
   * settled shape of the tree rather than reads racing the compactions a reopen starts.
   */
  void awaitCompactions();

  /** Flushes memtables into tables and releases everything. */
  @Override
  void close();

  /** A forward iteration; not thread-safe. */
  interface Cursor extends AutoCloseable {
    /** Advances to the next entry; false at the end. The first call yields the first entry. */
    boolean next();

    byte[] key();

    byte[] value();

    @Override
    void close();
  }

  /**
   * Opens engine {@code name} ({@code shaledb} or {@code rocksdb}) in directory {@code dir}
   * (created if missing; reopening the same directory sees the data).
   *
   * @param blockCache whether reads go through a block cache (RocksDB: its 32 MiB default LRU cache
   *     with indexes and filters outside it; ShaleDB: its default 256 MiB cache); without it every
   *     data block read is a file or object read
   */
  static KvEngine open(String name, Path dir, boolean blockCache) {
    switch (name) {
      case "shaledb":
        return ShaleKv.open(dir, blockCache);
      case "rocksdb":
        return RocksKv.open(dir, blockCache);
      default:
        throw new IllegalArgumentException("unknown engine '" + name + "': shaledb or rocksdb");
    }
  }
}
