package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Adds a fixed latency to every request of a delegate store, to model an object store's round trip:
 * a put is applied when its latency has passed, then acknowledged. Used by tests and by the WAL
 * benchmarks. Also counts puts, so benchmarks can report PUTs per write.
 */
public final class DelayedObjectStore implements ObjectStore {
  private final ObjectStore delegate;
  private final ScheduledExecutorService scheduler;
  private final long putNanos;
  private final long readNanos;
  private final AtomicLong puts = new AtomicLong();

  /**
   * @param delegate the store that holds the data
   * @param scheduler runs the delayed requests; owned by the caller
   * @param putLatency the delay of every put
   * @param readLatency the delay of every get, head and list
   */
  public DelayedObjectStore(
      ObjectStore delegate,
      ScheduledExecutorService scheduler,
      Duration putLatency,
      Duration readLatency) {
    this.delegate = requireNonNull(delegate, "delegate is null");
    this.scheduler = requireNonNull(scheduler, "scheduler is null");
    this.putNanos = requireNonNull(putLatency, "putLatency is null").toNanos();
    this.readNanos = requireNonNull(readLatency, "readLatency is null").toNanos();
  }

  /** How many puts were issued so far. */
  public long putCount() {
    return puts.get();
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    puts.incrementAndGet();
    ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
    return later(putNanos, () -> delegate.put(key, copy, condition));
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    return later(readNanos, () -> delegate.get(key, range));
  }

  @Override
  public CompletableFuture<ObjectMeta> head(String key) {
    return later(readNanos, () -> delegate.head(key));
  }

  @Override
  public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
    return later(readNanos, () -> delegate.list(prefix, startAfter));
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return later(putNanos, () -> delegate.delete(key));
  }

  @Override
  public void close() {
    delegate.close();
  }

  private <T> CompletableFuture<T> later(long nanos, Supplier<CompletableFuture<T>> request) {
    return Futures.after(scheduler, nanos, request);
  }
}
