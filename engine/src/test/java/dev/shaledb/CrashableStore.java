package dev.shaledb;

import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A store a test can "kill": after {@link #crash()} every request fails at once, as if the process
 * using it had died, while the underlying store keeps what already landed. A new store over the
 * same delegate plays the restarted process.
 */
final class CrashableStore extends ForwardingObjectStore {
  private volatile boolean crashed;

  CrashableStore(ObjectStore delegate) {
    super(delegate);
  }

  void crash() {
    crashed = true;
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    return crashed ? dead() : super.put(key, data, condition);
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    return crashed ? dead() : super.get(key, range);
  }

  @Override
  public CompletableFuture<ObjectMeta> head(String key) {
    return crashed ? dead() : super.head(key);
  }

  @Override
  public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
    return crashed ? dead() : super.list(prefix, startAfter);
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return crashed ? dead() : super.delete(key);
  }

  @Override
  public void close() {
    // The delegate belongs to the test, which reopens on it.
  }

  private static <T> CompletableFuture<T> dead() {
    return CompletableFuture.failedFuture(new ObjectStoreException("process crashed", false));
  }
}
