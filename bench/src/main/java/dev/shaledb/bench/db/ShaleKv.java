package dev.shaledb.bench.db;

import dev.shaledb.Db;
import dev.shaledb.DbIterator;
import dev.shaledb.DbOptions;
import dev.shaledb.KeyValue;
import dev.shaledb.WriteOptions;
import dev.shaledb.objectstore.LocalFileObjectStore;
import java.nio.file.Path;
import java.time.Duration;

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
        blockCache ? DbOptions.defaults() : DbOptions.builder().blockCacheBytes(0).build();
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
