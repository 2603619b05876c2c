package dev.shaledb.bench.db;

import dev.shaledb.Db;
import dev.shaledb.DbIterator;
import dev.shaledb.DbOptions;
import dev.shaledb.KeyValue;
import dev.shaledb.MergeOperator;
import dev.shaledb.WriteOptions;
import dev.shaledb.objectstore.LocalFileObjectStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * ShaleDB on a {@link LocalFileObjectStore} in a directory, default options except the block cache
 * when disabled. Puts use {@code awaitDurable=false}, which is what RocksDB's {@code sync=false}
 * promises; {@link #flush()} uploads the WAL.
 */
final class ShaleKv implements KvEngine {
  private final LocalFileObjectStore store;
  private final Db db;

  private ShaleKv(LocalFileObjectStore store, Db db) {
    this.store = store;
    this.db = db;
  }

  static ShaleKv open(Path dir, boolean blockCache) {
    LocalFileObjectStore store = new LocalFileObjectStore(dir);
    DbOptions options =
        DbOptions.builder()
            .blockCacheBytes(blockCache ? DbOptions.defaults().blockCacheBytes() : 0)
            .mergeOperator(UINT64_ADD)
            .build();
    try {
      return new ShaleKv(store, Db.open(store, "", options));
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  @Override
  public void put(byte[] key, byte[] value) {
    db.put(key, value, WriteOptions.noWait());
  }

  /** RocksDB's {@code UInt64AddOperator}: 8-byte little-endian counters added up. */
  static final MergeOperator UINT64_ADD =
      new MergeOperator() {
        @Override
        public byte[] fullMerge(byte[] key, byte[] base, List<byte[]> operands) {
          long sum = base == null ? 0 : decode(base);
          for (byte[] op : operands) {
            sum += decode(op);
          }
          return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(sum).array();
        }

        @Override
        public byte[] partialMerge(byte[] key, List<byte[]> operands) {
          return fullMerge(key, null, operands);
        }

        private long decode(byte[] b) {
          return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }
      };

  @Override
  public void merge(byte[] key, byte[] operand) {
    db.merge(key, operand, WriteOptions.noWait());
  }

  @Override
  public void deleteRange(byte[] start, byte[] end) {
    db.deleteRange(start, end, WriteOptions.noWait());
  }

  @Override
  public byte[] get(byte[] key) {
    return db.get(key);
  }

  @Override
  public Cursor scan(byte[] from) {
    DbIterator it = db.scan(from, null);
    return new Cursor() {
      private KeyValue current;

      @Override
      public boolean next() {
        current = it.hasNext() ? it.next() : null;
        return current != null;
      }

      @Override
      public byte[] key() {
        return current.key();
      }

      @Override
      public byte[] value() {
        return current.value();
      }

      @Override
      public void close() {
        it.close();
      }
    };
  }

  @Override
  public void flush() {
    db.flush();
  }

  @Override
  public void awaitCompactions() {
    try {
      if (!db.awaitCompactions(Duration.ofMinutes(10))) {
        throw new IllegalStateException("compaction did not settle within 10 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for compaction", e);
    }
  }

  @Override
  public void close() {
    try {
      db.close();
    } finally {
      store.close();
    }
  }
}
