package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.OutcomeUnknownException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The retry layer for stores that have none of their own: memory, local files, and fault-injecting
 * decorators over them. A {@link SelfRetryingObjectStore} (the S3 store, which retries inside the
 * AWS SDK) must not be wrapped: the {@link ObjectStore} contract allows exactly one retry layer per
 * stack, so this store refuses a delegate that is a {@link SelfRetryingObjectStore} or another
 * {@code RetryingObjectStore}.
 *
 * <h2>What is retried</h2>
 *
 * A failed attempt is retried when its failure is an {@link ObjectStoreException} whose {@link
 * ObjectStoreException#isRetryable()} is true, or an {@link OutcomeUnknownException}. Every other
 * failure ({@link PreconditionFailedException}, {@link ObjectNotFoundException}, {@link
 * InvalidRangeException}, non-retryable store errors, {@link DbClosedException}, invalid arguments)
 * ends the call at once. Re-sending is harmless for get, head, list, delete and unconditional puts
 * (they are idempotent) and for conditional puts too, because the condition lets at most one of our
 * identical attempts take effect per state of the key. One hazard remains, the same as with the
 * SDK's own retries: if an {@code ifAbsent} attempt was applied and someone else deleted the object
 * before our retry, the retry creates it again.
 *
 * <h2>Ambiguous conditional puts</h2>
 *
 * An attempt of a put <em>may have been applied</em> when it failed with an {@link
 * OutcomeUnknownException} or with a retryable {@link ObjectStoreException}. The latter is
 * deliberately conservative: a 500 or a dropped connection may have been applied, and the exception
 * does not say whether it was instead a 429 or a 503 SlowDown, which were not. Non-retryable
 * failures mean the attempt was not applied, as the contract says of {@link
 * PreconditionFailedException}.
 *
 * <p>Once an attempt of a <em>conditional</em> put ({@code ifAbsent} or {@code ifMatch}) may have
 * been applied, the put ends either in success or in {@link OutcomeUnknownException}; never in
 * {@link PreconditionFailedException} or {@link ObjectNotFoundException}, because the 412 (or the
 * 404 of {@code ifMatch}) a later attempt gets may answer our own earlier write. The final failure
 * is the exception's cause and the earlier ones are suppressed in it. A success is always genuine:
 * the attempt that succeeded wrote our bytes under our condition. A 412 on the first attempt (no
 * earlier attempt) is reported as {@link PreconditionFailedException}.
 *
 * <h2>Backoff and exhaustion</h2>
 *
 * After the n-th failed attempt the next one is scheduled on the injected scheduler after a delay
 * drawn uniformly from [0, min(maxDelay, baseDelay · 2<sup>n-1</sup>)] ("full jitter"); no thread
 * sleeps. The delays come from the injected {@link RandomGenerator} in the order retries are
 * scheduled, so a seeded generator and a single-threaded caller replay the same delays. After
 * {@link Options#maxAttempts()} attempts the call fails: conditional puts per the rule above;
 * otherwise with a new exception of the last failure's kind ({@link OutcomeUnknownException}, or a
 * retryable {@link ObjectStoreException}) naming the attempt count, with the last failure as cause.
 *
 * <h2>Uploads</h2>
 *
 * Every request of an upload ({@link #upload}) is retried as an unconditional put is: a part is
 * sent again whole (the upload keeps its buffer until the part succeeded), and a completion that
 * may have been applied is repeated, which the delegate answers as the first was ({@link
 * MultipartUpload}). An abort is tried as often as a read.
 *
 * <h2>Threads and closing</h2>
 *
 * Thread-safe. Futures complete on the thread that finished the last attempt (a delegate or
 * scheduler thread), so dependent stages must not block. A put copies its bytes once, so every
 * attempt sends the same bytes whatever the caller does with its buffer. {@link #close()} is
 * idempotent: it fails pending calls at once, cancels their scheduled retries and closes the
 * delegate. A pending conditional put with an attempt in flight, or one that may have been applied,
 * fails with {@link OutcomeUnknownException}; every other pending call with {@link
 * DbClosedException} (an in-flight unconditional put may still land, as with any failed put). Calls
 * made after it fail with {@link DbClosedException} without reaching the delegate. The scheduler
 * belongs to the caller and is not shut down.
 */
public final class RetryingObjectStore extends ForwardingObjectStore {

  /**
   * How persistently to retry.
   *
   * @param maxAttempts attempts per call, including the first; at least 1
   * @param baseDelay the backoff cap after the first failure; doubles per failure
   * @param maxDelay the largest backoff cap; at least {@code baseDelay}, at most a day
   */
  public record Options(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    private static final Duration MAX = Duration.ofDays(1);

    public Options {
      requireNonNull(baseDelay, "baseDelay is null");
      requireNonNull(maxDelay, "maxDelay is null");
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts is less than 1: " + maxAttempts);
      }
      if (baseDelay.isNegative() || baseDelay.compareTo(maxDelay) > 0) {
        throw new IllegalArgumentException(
            "baseDelay " + baseDelay + " is negative or above maxDelay " + maxDelay);
      }
      if (maxDelay.compareTo(MAX) > 0) {
        throw new IllegalArgumentException("maxDelay is above a day: " + maxDelay);
      }
    }

    /** 10 attempts, backoff from 50 ms up to 2 s. */
    public static Options defaults() {
      return new Options(10, Duration.ofMillis(50), Duration.ofSeconds(2));
    }
  }

  private final ScheduledExecutorService scheduler;
  private final RandomGenerator random;
  private final Object randomLock = new Object();
  private final Options options;
  private final Set<RetryingCall<?>> pending = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Default {@link Options} and a {@link SplittableRandom} seeded with {@code seed}. */
  public RetryingObjectStore(ObjectStore delegate, ScheduledExecutorService scheduler, long seed) {
    this(delegate, scheduler, new SplittableRandom(seed), Options.defaults());
  }

  /**
   * @param delegate the store whose transient failures are retried; closed by {@link #close()}
   * @param scheduler runs the retries; owned by the caller
   * @param random draws the backoff delays; used only under this store's lock
   * @param options attempts and delays
   */
  public RetryingObjectStore(
      ObjectStore delegate,
      ScheduledExecutorService scheduler,
      RandomGenerator random,
      Options options) {
    super(delegate);
    if (delegate instanceof RetryingObjectStore || delegate instanceof SelfRetryingObjectStore) {
      throw new IllegalArgumentException(
          delegate.getClass().getSimpleName() + " already retries; one retry layer per stack");
    }
    this.scheduler = requireNonNull(scheduler, "scheduler is null");
    this.random = requireNonNull(random, "random is null");
    this.options = requireNonNull(options, "options is null");
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    requireNonNull(data, "data is null");
    requireNonNull(condition, "condition is null");
    byte[] bytes = new byte[data.remaining()];
    data.duplicate().get(bytes);
    boolean conditional = !(condition instanceof PutCondition.None);
    return call(
        "put of '" + key + "' (" + condition + ")",
        conditional ? RetryingCall.Kind.CONDITIONAL_PUT : RetryingCall.Kind.PUT,
        () -> delegate.put(key, ByteBuffer.wrap(bytes), condition));
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    return call(
        "get of '" + key + "' " + range, RetryingCall.Kind.OTHER, () -> delegate.get(key, range));
  }

  @Override
  public CompletableFuture<ObjectMeta> head(String key) {
    return call("head of '" + key + "'", RetryingCall.Kind.OTHER, () -> delegate.head(key));
  }

  @Override
  public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
    return call(
        "list of '" + prefix + "' after '" + startAfter + "'",
        RetryingCall.Kind.OTHER,
        () -> delegate.list(prefix, startAfter));
  }

  @Override
  public CompletableFuture<List<String>> listSome(String prefix, int maxEntries) {
    ObjectKeys.requirePositiveMax(maxEntries);
    return call(
        "list of some of '" + prefix + "'",
        RetryingCall.Kind.OTHER,
        () -> delegate.listSome(prefix, maxEntries));
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return call("delete of '" + key + "'", RetryingCall.Kind.OTHER, () -> delegate.delete(key));
  }

  @Override
  public MultipartUpload multipartUpload(String key) {
    return MultipartUpload.intercepted(delegate.multipartUpload(key), this::retriedUpload);
  }

  private <T> CompletableFuture<T> retriedUpload(
      MultipartUpload.Request request, Supplier<CompletableFuture<T>> send) {
    boolean abort = request.kind() == MultipartUpload.Kind.ABORT;
    return call(
        "upload "
            + request.kind().name().toLowerCase(Locale.ROOT)
            + (request.kind() == MultipartUpload.Kind.PART ? " " + request.part() : "")
            + " of '"
            + request.key()
            + "'",
        abort ? RetryingCall.Kind.OTHER : RetryingCall.Kind.PUT,
        send);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (RetryingCall<?> call : pending) {
      call.abort();
    }
    delegate.close();
  }

  private <T> CompletableFuture<T> call(
      String what, RetryingCall.Kind kind, Supplier<CompletableFuture<T>> request) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new DbClosedException("object store"));
    }
    RetryingCall<T> call = new RetryingCall<>(what, kind, request, this);
    pending.add(call);
    call.result().whenComplete((value, failure) -> pending.remove(call));
    call.start();
    return call.result();
  }

  int maxAttempts() {
    return options.maxAttempts();
  }

  boolean isClosed() {
    return closed.get();
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** The backoff before the attempt after {@code failedAttempts} failures, in nanoseconds. */
  long backoffNanos(int failedAttempts) {
    long max = options.maxDelay().toNanos();
    long cap = options.baseDelay().toNanos();
    for (int i = 1; i < failedAttempts && cap < max; i++) {
      cap = cap > max / 2 ? max : cap * 2;
    }
    synchronized (randomLock) {
      return random.nextLong(cap + 1);
    }
  }
}
