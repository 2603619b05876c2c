package dev.shaledb.bench.db;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.UInt64AddOperator;
import org.rocksdb.WriteOptions;

/**
 * RocksDB configured like ShaleDB's defaults where they differ from RocksDB's: no compression, 10
 * bloom bits per key, a 256 MiB block cache (or none). WAL on, {@code sync=false}; everything else
 * is RocksDB's default (64 MiB write buffer, 4 KiB blocks, leveled compaction).
 */
final class RocksKv implements KvEngine {
  static {
    RocksDB.loadLibrary();
  }

  private final Options options;
  private final LRUCache cache;
  private final BloomFilter filter;
  private final WriteOptions writeOptions = new WriteOptions().setSync(false);
  private final ReadOptions readOptions = new ReadOptions();
  private final RocksDB db;

  private RocksKv(Path dir, boolean blockCache) throws RocksDBException {
    filter = new BloomFilter(10, false);
    cache = blockCache ? new LRUCache(256L << 20) : null;
    BlockBasedTableConfig table = new BlockBasedTableConfig().setFilterPolicy(filter);
    if (cache != null) {
      table.setBlockCache(cache);
    } else {
      table.setNoBlockCache(true);
    }
    options =
        new Options()
            .setCreateIfMissing(true)
            .setCompressionType(CompressionType.NO_COMPRESSION)
            .setMergeOperator(new UInt64AddOperator())
            .setTableFormatConfig(table);
    db = RocksDB.open(options, dir.toString());
  }

  static RocksKv open(Path dir, boolean blockCache) {
    try {
      return new RocksKv(dir, blockCache);
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot open RocksDB in " + dir, e);
    }
  }

  @Override
  public void put(byte[] key, byte[] value) {
    try {
      db.put(writeOptions, key, value);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void merge(byte[] key, byte[] operand) {
    try {
      db.merge(writeOptions, key, operand);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void deleteRange(byte[] start, byte[] end) {
    try {
      db.deleteRange(writeOptions, start, end);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public byte[] get(byte[] key) {
    try {
      return db.get(readOptions, key);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Cursor scan(byte[] from) {
    RocksIterator it = db.newIterator(readOptions);
    if (from == null) {
      it.seekToFirst();
    } else {
      it.seek(from);
    }
    return new Cursor() {
      private boolean started;

      @Override
      public boolean next() {
        if (started) {
          it.next();
        }
        started = true;
        return it.isValid();
      }

      @Override
      public byte[] key() {
        return it.key();
      }

      @Override
      public byte[] value() {
        return it.value();
      }

      @Override
      public void close() {
        it.close();
      }
    };
  }

  @Override
  public void flush() {
    try {
      db.flushWal(true);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void awaitCompactions() {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    try {
      while (db.getLongProperty("rocksdb.compaction-pending") > 0
          || db.getLongProperty("rocksdb.num-running-compactions") > 0
          || db.getLongProperty("rocksdb.num-running-flushes") > 0) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("compaction did not settle within 10 minutes");
        }
        Thread.sleep(20);
      }
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for compaction", e);
    }
  }

  @Override
  public void close() {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    } finally {
      db.close();
      writeOptions.close();
      readOptions.close();
      options.close();
      filter.close();
      if (cache != null) {
        cache.close();
      }
    }
  }
}
