package dev.shaledb.bench;

import static java.util.Objects.requireNonNull;

import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.MultipartUpload;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Supplier;

/**
 * Adds seeded, jittered S3-like latency to every request of a delegate store, so that durable-write
 * and cold-read numbers mean something without a network. Requests overlap as on S3: each is
 * delayed on its own, never queued behind another.
 *
 * <p>Large unconditional puts and streamed uploads cost what S3ObjectStore's multipart uploads
 * cost: a create, parts with several in flight, a complete, each with its own latency.
 *
 * <p>A put (or delete) reaches the delegate when its latency has passed and is acknowledged when
 * the delegate is done, so it becomes visible no earlier than it is acknowledged. A get, head or
 * list runs at once and is answered after its first-byte latency plus the transfer time of what it
 * returned. Thread-safe; owns one scheduler thread, released by {@link #close()} (which also closes
 * the delegate).
 */
final class SimulatedS3Store extends ForwardingObjectStore {
  /** S3ObjectStore's defaults: unconditional puts above 16 MiB go in 8 MiB parts, 4 in flight. */
  private static final long MULTIPART_THRESHOLD = 16L << 20;

  private static final int PARTS_IN_FLIGHT = 4;

  private final LatencyModel writes;
  private final LatencyModel reads;
  private final SplittableRandom random;
  private final ScheduledExecutorService scheduler;

  SimulatedS3Store(ObjectStore delegate, LatencyModel writes, LatencyModel reads, long seed) {
    super(delegate);
    this.writes = requireNonNull(writes, "writes is null");
    this.reads = requireNonNull(reads, "reads is null");
    this.random = new SplittableRandom(seed);
    ScheduledThreadPoolExecutor pool =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread thread = new Thread(r, "simulated-s3");
              thread.setDaemon(true);
              return thread;
            });
    pool.setRemoveOnCancelPolicy(true);
    this.scheduler = pool;
  }

  /**
   * {@code delegate} behind the driver's default S3 model: PUT and DELETE 25 ms, GET, HEAD and LIST
   * 15 ms to the first byte (medians; {@link LatencyModel#s3Like}).
   */
  static SimulatedS3Store s3Like(ObjectStore delegate, long seed) {
    return new SimulatedS3Store(delegate, LatencyModel.s3Like(25), LatencyModel.s3Like(15), seed);
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
    long nanos =
        condition instanceof PutCondition.None && copy.remaining() > MULTIPART_THRESHOLD
            ? multipartNanos(copy.remaining())
            : sample(writes, copy.remaining());
    return after(nanos, () -> delegate.put(key, copy, condition));
  }

  /**
   * Streamed uploads as on S3: each request (create, every part, complete) takes its own sampled
   * latency, parts with their transfer time, so parts in flight together overlap. The parts are
   * collected for the delegate and put whole, without further delay, at completion.
   */
  @Override
  public MultipartUpload multipartUpload(String key) {
    return MultipartUpload.intercepted(
        delegate.multipartUpload(key),
        new MultipartUpload.Interceptor() {
          @Override
          public <T> CompletableFuture<T> intercept(
              MultipartUpload.Request request, Supplier<CompletableFuture<T>> send) {
            return request.kind() == MultipartUpload.Kind.ABORT
                ? send.get()
                : after(sample(writes, request.bytes()), send);
          }
        });
  }

  /**
   * How long S3ObjectStore's put of {@code bytes} above its multipart threshold takes: a create,
   * parts of {@link MultipartUpload#DEFAULT_PART_SIZE} with {@link #PARTS_IN_FLIGHT} in flight
   * (each its own latency and transfer), and a complete.
   */
  private long multipartNanos(long bytes) {
    long part = MultipartUpload.DEFAULT_PART_SIZE;
    long[] lanes = new long[PARTS_IN_FLIGHT];
    for (long sent = 0; sent < bytes; sent += part) {
      int next = 0;
      for (int i = 1; i < lanes.length; i++) {
        if (lanes[i] < lanes[next]) {
          next = i;
        }
      }
      lanes[next] += sample(writes, Math.min(part, bytes - sent));
    }
    return sample(writes, 0) + Arrays.stream(lanes).max().orElse(0) + sample(writes, 0);
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    long start = System.nanoTime();
    long firstByte = sample(reads, 0);
    return delegate
        .get(key, range)
        .handle(
            (content, failure) -> {
              long bytes = content == null ? 0 : content.data().length;
              long due = firstByte + (long) (bytes * 1e9 / reads.bytesPerSecond());
              return after(
                  due - (System.nanoTime() - start),
                  () ->
                      failure == null
                          ? CompletableFuture.completedFuture(content)
                          : CompletableFuture.<ObjectContent>failedFuture(failure));
            })
        .thenCompose(f -> f);
  }

  @Override
  public CompletableFuture<ObjectMeta> head(String key) {
    return after(sample(reads, 0), () -> delegate.head(key));
  }

  @Override
  public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
    return after(sample(reads, 0), () -> delegate.list(prefix, startAfter));
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return after(sample(writes, 0), () -> delegate.delete(key));
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    delegate.close();
  }

  private long sample(LatencyModel model, long bytes) {
    synchronized (random) {
      return model.sampleNanos(random, bytes);
    }
  }

  private <T> CompletableFuture<T> after(long nanos, Supplier<CompletableFuture<T>> request) {
    return Futures.after(scheduler, nanos, request);
  }
}
