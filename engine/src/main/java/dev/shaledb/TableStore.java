package dev.shaledb;

import dev.shaledb.engine.CaffeineBlockCache;
import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.sst.RangeReader;
import dev.shaledb.sst.SstReader;
import dev.shaledb.sst.SstReaderOptions;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tables of one database in the object store: uploads new ones and keeps every live table's
 * reader open, so its index and filter stay resident and a cold point read costs at most one GET
 * for a data block (opening costs one suffix-range GET). Blocks go through the shared block cache.
 * Thread-safe.
 */
final class TableStore {
  private final ObjectStore store;
  private final String dbPath;
  private final SstReaderOptions readerOptions;
  private final ConcurrentHashMap<String, SstReader> open = new ConcurrentHashMap<>();

  TableStore(ObjectStore store, String dbPath, CaffeineBlockCache cache) {
    this.store = store;
    this.dbPath = dbPath;
    SstReaderOptions options = SstReaderOptions.defaults();
    this.readerOptions = cache == null ? options : options.withBlockCache(cache);
  }

  /** The key of table {@code id}. */
  String key(String id) {
    return dbPath.isEmpty() ? "sst/" + id + ".sst" : dbPath + "/sst/" + id + ".sst";
  }

  /** Uploads a finished table; a table id is fresh, so it must be absent. */
  void upload(String id, ByteBuffer bytes) {
    Futures.join(store.put(key(id), bytes, PutCondition.ifAbsent()));
  }

  /** The open reader of {@code table}, opening it with one suffix GET on first use. */
  SstReader reader(TableInfo table) {
    SstReader reader = open.get(table.id());
    if (reader != null) {
      return reader;
    }
    return open.computeIfAbsent(table.id(), id -> openReader(table));
  }

  /** Closes the readers of tables that are no longer live. */
  void retainOnly(Collection<TableInfo> live) {
    Set<String> ids = new HashSet<>();
    live.forEach(t -> ids.add(t.id()));
    open.keySet().retainAll(ids);
  }

  private SstReader openReader(TableInfo table) {
    String key = key(table.id());
    SstReader reader = SstReader.open(key, new StoreRangeReader(key), readerOptions);
    if (reader.objectSize() != table.sizeBytes()) {
      throw new CorruptObjectException(
          key,
          0,
          "object is " + reader.objectSize() + " bytes, the manifest says " + table.sizeBytes());
    }
    return reader;
  }

  /** Byte ranges of one table object, read with ranged GETs. */
  private final class StoreRangeReader implements RangeReader {
    private final String key;

    StoreRangeReader(String key) {
      this.key = key;
    }

    @Override
    public byte[] read(long offset, int length) {
      return Futures.join(store.get(key, ByteRange.of(offset, length))).data();
    }

    @Override
    public Tail readTail(int length) {
      ObjectContent content = Futures.join(store.get(key, ByteRange.suffix(length)));
      return new Tail(content.meta().size(), content.data());
    }
  }
}
