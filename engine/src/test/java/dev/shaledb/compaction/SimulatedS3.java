package dev.shaledb.compaction;

import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * S3-like latency without jitter, so that compaction timings can be compared run to run: a GET is
 * answered after its first-byte latency plus its transfer time at a per-request bandwidth, a PUT
 * reaches the delegate after its latency plus its upload time. Requests overlap as on S3, each
 * delayed on its own. Counts GETs and PUTs and remembers the most GETs in flight at once. (The
 * bench module's {@code SimulatedS3Store} adds jitter and tails; this one is for engine tests.)
 */
final class SimulatedS3 extends ForwardingObjectStore {
  final AtomicLong gets = new AtomicLong();
  final AtomicLong puts = new AtomicLong();
  final AtomicInteger getsInFlight = new AtomicInteger();
  final AtomicInteger maxGetsInFlight = new AtomicInteger();
  private final long getNanos;
  private final long putNanos;
  private final double bytesPerSecond;
  private final ScheduledThreadPoolExecutor scheduler;

  SimulatedS3(ObjectStore delegate, long getMillis, long putMillis, double bytesPerSecond) {
    super(delegate);
    this.getNanos = TimeUnit.MILLISECONDS.toNanos(getMillis);
    this.putNanos = TimeUnit.MILLISECONDS.toNanos(putMillis);
    this.bytesPerSecond = bytesPerSecond;
    this.scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "simulated-s3");
              t.setDaemon(true);
              return t;
            });
  }

  /** 15 ms to a GET's first byte, 25 ms per PUT, 100 MB/s per request. */
  static SimulatedS3 standard(ObjectStore delegate) {
    return new SimulatedS3(delegate, 15, 25, 100e6);
  }

  void resetCounts() {
    gets.set(0);
    puts.set(0);
    maxGetsInFlight.set(getsInFlight.get());
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    gets.incrementAndGet();
    maxGetsInFlight.accumulateAndGet(getsInFlight.incrementAndGet(), Math::max);
    long start = System.nanoTime();
    return delegate
        .get(key, range)
        .handle(
            (content, failure) -> {
              long bytes = content == null ? 0 : content.data().length;
              long due = getNanos + transferNanos(bytes) - (System.nanoTime() - start);
              return after(
                  due,
                  () -> {
                    getsInFlight.decrementAndGet();
                    return failure == null
                        ? CompletableFuture.completedFuture(content)
                        : CompletableFuture.<ObjectContent>failedFuture(failure);
                  });
            })
        .thenCompose(f -> f);
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    puts.incrementAndGet();
    ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
    return after(
        putNanos + transferNanos(copy.remaining()), () -> delegate.put(key, copy, condition));
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    delegate.close();
  }

  private long transferNanos(long bytes) {
    return (long) (bytes * 1e9 / bytesPerSecond);
  }

  private <T> CompletableFuture<T> after(long nanos, Supplier<CompletableFuture<T>> request) {
    // At least 1 ns: every request completes on the scheduler's thread, as at any latency.
    return Futures.after(scheduler, Math.max(1, nanos), request);
  }
}
