package dev.shaledb;

import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the PUTs, and their bytes, that reach the store under each folder of a database ({@code
 * wal}, {@code sst}, {@code manifest}, {@code probe}): what an upload cost is made of. Counts every
 * PUT sent, whatever its outcome.
 */
final class UploadCounter extends ForwardingObjectStore {
  private final String dbPrefix;
  private final ConcurrentHashMap<String, LongAdder> puts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> bytes = new ConcurrentHashMap<>();

  /** Counts the uploads of the database at {@code dbPath} (not the store root). */
  UploadCounter(ObjectStore delegate, String dbPath) {
    super(delegate);
    this.dbPrefix = dbPath + "/";
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    if (key.startsWith(dbPrefix)) {
      String rest = key.substring(dbPrefix.length());
      int slash = rest.indexOf('/');
      String folder = slash < 0 ? rest : rest.substring(0, slash);
      puts.computeIfAbsent(folder, f -> new LongAdder()).increment();
      bytes.computeIfAbsent(folder, f -> new LongAdder()).add(data.remaining());
    }
    return super.put(key, data, condition);
  }

  long puts(String folder) {
    LongAdder n = puts.get(folder);
    return n == null ? 0 : n.sum();
  }

  long bytes(String folder) {
    LongAdder n = bytes.get(folder);
    return n == null ? 0 : n.sum();
  }

  @Override
  public void close() {
    // The delegate belongs to the test.
  }
}
