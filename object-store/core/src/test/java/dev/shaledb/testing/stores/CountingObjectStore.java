package dev.shaledb.testing.stores;

import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** Counts requests by kind, so tests can assert how many of each an operation costs. */
public final class CountingObjectStore extends ForwardingObjectStore {
  /** A request kind. */
  public enum Op {
    PUT,
    GET,
    HEAD,
    LIST,
    DELETE
  }

  private final Map<Op, AtomicLong> counts = new EnumMap<>(Op.class);

  public CountingObjectStore(ObjectStore delegate) {
    super(delegate);
    for (Op op : Op.values()) {
      counts.put(op, new AtomicLong());
    }
  }

  public long count(Op op) {
    return counts.get(op).get();
  }

  /** The total number of requests of all kinds. */
  public long total() {
    long total = 0;
    for (AtomicLong c : counts.values()) {
      total += c.get();
    }
    return total;
  }

  public void reset() {
    counts.values().forEach(c -> c.set(0));
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    counts.get(Op.PUT).incrementAndGet();
    return super.put(key, data, condition);
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    counts.get(Op.GET).incrementAndGet();
    return super.get(key, range);
  }

  @Override
  public CompletableFuture<ObjectMeta> head(String key) {
    counts.get(Op.HEAD).incrementAndGet();
    return super.head(key);
  }

  @Override
  public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
    counts.get(Op.LIST).incrementAndGet();
    return super.list(prefix, startAfter);
  }

  @Override
  public CompletableFuture<List<String>> listSome(String prefix, int maxEntries) {
    counts.get(Op.LIST).incrementAndGet();
    return super.listSome(prefix, maxEntries);
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    counts.get(Op.DELETE).incrementAndGet();
    return super.delete(key);
  }
}
