package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Counts what a store is asked to do: requests, failures, not-found answers and lost conditions by
 * {@link RequestType}, bytes uploaded and downloaded, and latency histograms, so that a database
 * can report its object-store cost. A request is counted when it completes, successfully or not (a
 * failed request is still billed). An {@link ObjectNotFoundException} counts as not found and a
 * {@link PreconditionFailedException} as a lost condition, not as failures: finding the end of a
 * numbered sequence asks for keys that do not exist, and conditional puts settle races.
 *
 * <p>Uploads ({@link #upload}) stream through to the delegate, and each of their requests is
 * counted as S3 bills it: the start, every part and the completion as a {@link RequestType#PUT}
 * (the bytes of each part that went through as uploaded), an abort as a {@link RequestType#DELETE}
 * (free on S3). An upload small enough to go up whole is one put.
 */
public final class MeteredObjectStore implements ObjectStore {
  private final ObjectStore delegate;
  private final LongSupplier nanoTime;
  private final Map<RequestType, Meter> meters = new EnumMap<>(RequestType.class);
  private final LongAdder bytesUploaded = new LongAdder();
  private final LongAdder bytesDownloaded = new LongAdder();

  private static final class Meter {
    final LongAdder requests = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder notFound = new LongAdder();
    final LongAdder conditionFailed = new LongAdder();
    final LatencyHistogram latency = new LatencyHistogram();
  }

  public MeteredObjectStore(ObjectStore delegate) {
    this(delegate, System::nanoTime);
  }

  /** Uses {@code nanoTime} to time requests, so a simulated clock can drive it. */
  public MeteredObjectStore(ObjectStore delegate, LongSupplier nanoTime) {
    this.delegate = requireNonNull(delegate, "delegate is null");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    for (RequestType type : RequestType.values()) {
      meters.put(type, new Meter());
    }
  }

  public ObjectStore delegate() {
    return delegate;
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    int size = data.remaining();
    return metered(RequestType.PUT, () -> delegate.put(key, data, condition))
        .thenApply(
            meta -> {
              bytesUploaded.add(size);
              return meta;
            });
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    return metered(RequestType.GET, () -> delegate.get(key, range))
        .thenApply(
            content -> {
              bytesDownloaded.add(content.data().length);
              return content;
            });
  }

  @Override
  public CompletableFuture<ObjectMeta> head(String key) {
    return metered(RequestType.HEAD, () -> delegate.head(key));
  }

  @Override
  public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
    return metered(RequestType.LIST, () -> delegate.list(prefix, startAfter));
  }

  @Override
  public CompletableFuture<List<String>> listSome(String prefix, int maxEntries) {
    ObjectKeys.requirePositiveMax(maxEntries);
    return metered(RequestType.LIST, () -> delegate.listSome(prefix, maxEntries));
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return metered(RequestType.DELETE, () -> delegate.delete(key));
  }

  @Override
  public MultipartUpload multipartUpload(String key) {
    return MultipartUpload.intercepted(delegate.multipartUpload(key), this::meteredUpload);
  }

  private <T> CompletableFuture<T> meteredUpload(
      MultipartUpload.Request request, Supplier<CompletableFuture<T>> send) {
    boolean abort = request.kind() == MultipartUpload.Kind.ABORT;
    return metered(abort ? RequestType.DELETE : RequestType.PUT, send::get)
        .thenApply(
            value -> {
              bytesUploaded.add(request.bytes());
              return value;
            });
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** The counters so far; later requests do not change the returned value. */
  public ObjectStoreMetrics snapshot() {
    Map<RequestType, ObjectStoreMetrics.TypeMetrics> byType = new EnumMap<>(RequestType.class);
    meters.forEach(
        (type, meter) ->
            byType.put(
                type,
                new ObjectStoreMetrics.TypeMetrics(
                    meter.requests.sum(),
                    meter.failures.sum(),
                    meter.notFound.sum(),
                    meter.conditionFailed.sum(),
                    meter.latency.quantileNanos(0.5),
                    meter.latency.quantileNanos(0.99),
                    meter.latency.quantileNanos(0.999))));
    return new ObjectStoreMetrics(byType, bytesUploaded.sum(), bytesDownloaded.sum());
  }

  /** Stores reject bad arguments before sending anything, so those failures cost nothing. */
  private static boolean isRejectedArgument(Throwable failure) {
    Throwable cause = failure == null ? null : Futures.unwrap(failure);
    return cause instanceof IllegalArgumentException || cause instanceof NullPointerException;
  }

  private interface Call<T> {
    CompletableFuture<T> start();
  }

  private <T> CompletableFuture<T> metered(RequestType type, Call<T> call) {
    Meter meter = meters.get(type);
    long start = nanoTime.getAsLong();
    CompletableFuture<T> future;
    try {
      future = call.start();
    } catch (RuntimeException e) {
      // argument validation before any request: nothing was sent, nothing to bill
      return CompletableFuture.failedFuture(e);
    }
    return future.whenComplete(
        (value, failure) -> {
          if (isRejectedArgument(failure)) {
            return;
          }
          meter.requests.increment();
          meter.latency.record(nanoTime.getAsLong() - start);
          if (failure == null) {
            return;
          }
          Throwable cause = Futures.unwrap(failure);
          if (cause instanceof ObjectNotFoundException) {
            meter.notFound.increment(); // an answer, not a failure
          } else if (cause instanceof PreconditionFailedException) {
            meter.conditionFailed.increment(); // a lost race, settled by the protocol
          } else {
            meter.failures.increment();
          }
        });
  }

  /** The store it meters: messages name the user's store. */
  @Override
  public String toString() {
    return delegate.toString();
  }
}
