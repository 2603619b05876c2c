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
import java.util.Arrays;
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
  private final ConcurrentHashMap<String, OpenTable> open = new ConcurrentHashMap<>();

  /**
   * An open table with its key range, kept as arrays so the read path's range checks do not copy
   * them (TableInfo's accessors return copies).
   */
  record OpenTable(SstReader reader, byte[] smallestKey, byte[] largestKey, long minSeq) {
    boolean contains(byte[] key) {
      return Arrays.compareUnsigned(smallestKey, key) <= 0
          && Arrays.compareUnsigned(key, largestKey) <= 0;
    }
  }

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
    return table(table).reader();
  }

  /** {@code table}, opened with one suffix GET on first use. */
  OpenTable table(TableInfo table) {
    OpenTable t = open.get(table.id());
    if (t != null) {
      return t;
    }
    return open.computeIfAbsent(
        table.id(),
        id ->
            new OpenTable(
                openReader(table), table.smallestKey(), table.largestKey(), table.minSeq()));
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
