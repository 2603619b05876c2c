package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.MultipartUpload;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PreconditionFailedException;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Injects the failures of a real object store into a delegate, as a {@link FaultPlan} says: errors,
 * bursts of failing PUTs, timeouts before and after a request was applied, phantom 412s, corrupted
 * reads, latency, and a process crash. See {@link FaultKind} for each, {@link #stats()} for what
 * was injected and {@link #damagedReads()} for where each corrupted read was damaged.
 *
 * <h2>Determinism</h2>
 *
 * Every random choice about a request is drawn from one {@link SplittableRandom} seeded with the
 * constructor's seed, under a lock, when the request is made. A single-threaded caller that issues
 * the same requests in the same order therefore gets the same faults. With several threads the
 * order in which requests take the lock, and so which request gets which fault, is up to the
 * scheduler: such runs are reproducible only in their fault rates, not exactly. {@link #toString()}
 * prints the seed and the plan.
 *
 * <h2>Crash</h2>
 *
 * {@link #crash()} models the death of the process that uses this store: every later request fails
 * at once with a non-retryable {@link ObjectStoreException} without reaching the delegate. Requests
 * already accepted (for instance still in their latency delay) still reach the delegate and may be
 * applied, as sent requests do land; but a dead process hears no answer, so their futures fail with
 * the same exception if they complete after the crash.
 *
 * <p>Thread-safe. Latency is injected only when a scheduler is given; the scheduler belongs to the
 * caller. {@link #close()} closes the delegate.
 */
public final class FaultInjectingObjectStore extends ForwardingObjectStore {
  // A foreign object's bytes are only needed as a source of plausible wrong data.
  private static final int MAX_REMEMBERED = 64 * 1024;

  private enum Op {
    PUT,
    GET,
    HEAD,
    LIST,
    DELETE
  }

  /** What was decided for one request when it was made. */
  private record Decision(FaultKind fault, boolean corrupt, long delayNanos, long salt) {}

  private record Seen(String key, byte[] bytes) {}

  private final FaultPlan plan;
  private final long seed;
  private final ScheduledExecutorService scheduler;
  private final SplittableRandom random;
  private final Object lock = new Object();
  private final Map<FaultKind, LongAdder> counts = new EnumMap<>(FaultKind.class);
  private int burstLeft;
  private volatile boolean crashed;
  private volatile Seen lastSeen;
  private final List<DamagedRead> damagedReads = new ArrayList<>(); // guarded by itself
  private boolean sealed; // guarded by damagedReads
  private volatile Consumer<DamagedRead> onDamage = r -> {};

  /** A store without latency. */
  public FaultInjectingObjectStore(ObjectStore delegate, FaultPlan plan, long seed) {
    this(delegate, plan, seed, null);
  }

  /**
   * @param delegate the store that holds the data; closed by {@link #close()}
   * @param plan which faults to inject
   * @param seed seeds every random choice
   * @param scheduler delays requests by the plan's latency; null for no latency
   */
  public FaultInjectingObjectStore(
      ObjectStore delegate, FaultPlan plan, long seed, ScheduledExecutorService scheduler) {
    super(delegate);
    this.plan = requireNonNull(plan, "plan is null");
    this.seed = seed;
    this.scheduler = scheduler;
    this.random = new SplittableRandom(seed);
    for (FaultKind kind : FaultKind.values()) {
      counts.put(kind, new LongAdder());
    }
  }

  public FaultPlan plan() {
    return plan;
  }

  /** Kills the "process": see the class comment. Idempotent. */
  public void crash() {
    crashed = true;
  }

  public boolean isCrashed() {
    return crashed;
  }

  /**
   * Tells {@code observer} about every damaged read from now on, on the thread that completes it,
   * before the caller gets the bytes (so it may still look at the undamaged object).
   */
  public void onDamage(Consumer<DamagedRead> observer) {
    this.onDamage = requireNonNull(observer, "observer is null");
  }

  /** Every read damaged so far, in the order the damage was made. */
  public List<DamagedRead> damagedReads() {
    synchronized (damagedReads) {
      return List.copyOf(damagedReads);
    }
  }

  /** How many faults of each kind were injected so far, every kind present, in enum order. */
  /**
   * Stops damaging reads and returns the final counts. A process's fault counts and its corruption
   * ledger are settled against each other; a read completing after the process ended (the long tier
   * once counted one damaged read in the ledger that its process's counts had missed) must be in
   * both or in neither.
   */
  public Map<FaultKind, Long> seal() {
    synchronized (damagedReads) {
      sealed = true;
    }
    return stats();
  }

  public Map<FaultKind, Long> stats() {
    Map<FaultKind, Long> out = new EnumMap<>(FaultKind.class);
    counts.forEach((kind, count) -> out.put(kind, count.sum()));
    return Collections.unmodifiableMap(out);
  }

  @Override
  public String toString() {
    return "FaultInjectingObjectStore[seed=" + seed + ", plan=" + plan + "]";
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    Decision d = decide(Op.PUT, condition);
    byte[] copy = new byte[data.remaining()];
    data.duplicate().get(copy);
    return execute(
        d,
        Op.PUT,
        key,
        () ->
            delegate
                .put(key, ByteBuffer.wrap(copy), condition)
                .thenApply(
                    meta -> {
                      remember(key, copy);
                      return meta;
                    }));
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    Decision d = decide(Op.GET, null);
    // Damage only a reply that reaches the caller: one failed for a crashed process is never seen.
    return execute(d, Op.GET, key, () -> delegate.get(key, range))
        .thenApply(content -> afterGet(key, range, content, d));
  }

  @Override
  public CompletableFuture<ObjectMeta> head(String key) {
    return execute(decide(Op.HEAD, null), Op.HEAD, key, () -> delegate.head(key));
  }

  @Override
  public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
    return execute(decide(Op.LIST, null), Op.LIST, prefix, () -> delegate.list(prefix, startAfter));
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return execute(decide(Op.DELETE, null), Op.DELETE, key, () -> delegate.delete(key));
  }

  /**
   * Uploads stream through, and each of their requests draws its fault as an unconditional put does
   * (an abort as a delete): a start or a part may fail before or after it was applied, and so may a
   * completion: applied with its answer lost ({@link FaultKind#ERROR_500_APPLIED}, {@link
   * FaultKind#TIMEOUT_AFTER_APPLY}), the ambiguous completion a retry layer above must repeat.
   * Bursts of failing PUTs take parts and completions too. No phantom conflicts: an upload has no
   * condition.
   */
  @Override
  public MultipartUpload multipartUpload(String key) {
    return MultipartUpload.intercepted(delegate.multipartUpload(key), this::uploadRequest);
  }

  private <T> CompletableFuture<T> uploadRequest(
      MultipartUpload.Request request, Supplier<CompletableFuture<T>> send) {
    Op op = request.kind() == MultipartUpload.Kind.ABORT ? Op.DELETE : Op.PUT;
    return execute(decide(op, PutCondition.none()), op, request.key(), send);
  }

  private Decision decide(Op op, PutCondition condition) {
    if (crashed) {
      return new Decision(FaultKind.CRASH_REJECTED, false, 0, 0);
    }
    synchronized (lock) {
      long delay = 0;
      if (scheduler != null
          && (plan.latency().toNanos() > 0 || plan.latencyJitter().toNanos() > 0)) {
        delay = plan.latency().toNanos() + random.nextLong(plan.latencyJitter().toNanos() + 1);
      }
      FaultKind fault = chooseFault(op, condition);
      // Which corruption, and where, is derived from the salt once the bytes are known.
      boolean corrupt = fault == null && op == Op.GET && draw(plan.corruptReadRate());
      return new Decision(fault, corrupt, delay, corrupt ? random.nextLong() : 0);
    }
  }

  /** Draws the failure of one request, or null; holds the lock. */
  private FaultKind chooseFault(Op op, PutCondition condition) {
    if (op == Op.PUT && burstLeft > 0) {
      burstLeft--;
      return FaultKind.PUT_BURST;
    }
    if (op == Op.PUT && draw(plan.putBurstRate())) {
      burstLeft = plan.putBurstLength() - 1;
      return FaultKind.PUT_BURST;
    }
    if (draw(plan.errorRate())) {
      int which = random.nextInt(3);
      if (which == 0) {
        boolean mutating = op == Op.PUT || op == Op.DELETE;
        return mutating && random.nextBoolean() ? FaultKind.ERROR_500_APPLIED : FaultKind.ERROR_500;
      }
      return which == 1 ? FaultKind.ERROR_503 : FaultKind.ERROR_429;
    }
    if (draw(plan.timeoutBeforeApplyRate())) {
      return FaultKind.TIMEOUT_BEFORE_APPLY;
    }
    if (draw(plan.timeoutAfterApplyRate())) {
      return FaultKind.TIMEOUT_AFTER_APPLY;
    }
    if (condition instanceof PutCondition.IfAbsent && draw(plan.phantomConflictRate())) {
      return FaultKind.PHANTOM_CONFLICT;
    }
    return null;
  }

  private boolean draw(double rate) {
    return rate > 0 && random.nextDouble() < rate;
  }

  /** Runs {@code request} as {@code d} says, after its latency. */
  private <T> CompletableFuture<T> execute(
      Decision d, Op op, String key, Supplier<CompletableFuture<T>> request) {
    if (d.fault() == FaultKind.CRASH_REJECTED) {
      count(FaultKind.CRASH_REJECTED);
      return CompletableFuture.failedFuture(InjectedErrors.crashed(op + " '" + key + "'"));
    }
    if (d.delayNanos() == 0) {
      return reply(op, key, inject(d, op, key, request));
    }
    count(FaultKind.LATENCY);
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      scheduler.schedule(
          () ->
              inject(d, op, key, request)
                  .whenComplete(
                      (value, error) -> {
                        if (error != null) {
                          result.completeExceptionally(error);
                        } else {
                          result.complete(value);
                        }
                      }),
          d.delayNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new ObjectStoreException(op + " '" + key + "': latency scheduler rejected it", false, e));
    }
    return reply(op, key, result);
  }

  private <T> CompletableFuture<T> inject(
      Decision d, Op op, String key, Supplier<CompletableFuture<T>> request) {
    FaultKind fault = d.fault();
    if (fault == null) {
      return send(request);
    }
    if (fault != FaultKind.PHANTOM_CONFLICT) {
      count(fault);
    }
    switch (fault) {
      case ERROR_500_APPLIED:
      case TIMEOUT_AFTER_APPLY:
        return send(request)
            .handle((value, error) -> value)
            .thenCompose(
                ignored ->
                    CompletableFuture.failedFuture(
                        InjectedErrors.of(fault, op + " '" + key + "'")));
      case PHANTOM_CONFLICT:
        return send(request)
            .thenCompose(
                applied -> {
                  count(FaultKind.PHANTOM_CONFLICT);
                  return CompletableFuture.failedFuture(
                      new PreconditionFailedException(key, PutCondition.ifAbsent()));
                });
      default:
        return CompletableFuture.failedFuture(InjectedErrors.of(fault, op + " '" + key + "'"));
    }
  }

  private static <T> CompletableFuture<T> send(Supplier<CompletableFuture<T>> request) {
    try {
      return request.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The caller's view of {@code result}: no answer reaches a crashed process. */
  private <T> CompletableFuture<T> reply(Op op, String key, CompletableFuture<T> result) {
    return result
        .handle(
            (value, error) -> {
              if (crashed) {
                return CompletableFuture.<T>failedFuture(
                    InjectedErrors.crashed(op + " '" + key + "'"));
              }
              return error != null
                  ? CompletableFuture.<T>failedFuture(error)
                  : CompletableFuture.completedFuture(value);
            })
        .thenCompose(f -> f);
  }

  private ObjectContent afterGet(String key, ByteRange range, ObjectContent content, Decision d) {
    if (!d.corrupt() || content.data().length == 0) {
      remember(key, content.data());
      return content;
    }
    Seen other = lastSeen;
    byte[] foreign = other != null && !other.key().equals(key) ? other.bytes() : null;
    ReadCorruption.Damaged damaged = ReadCorruption.apply(content.data(), d.salt(), foreign);
    long at = content.offset();
    DamagedRead read =
        new DamagedRead(
            key,
            range,
            at,
            content.data().length,
            damaged.kind(),
            at + damaged.from(),
            at + damaged.to(),
            System.nanoTime());
    synchronized (damagedReads) {
      if (sealed) {
        // The process's account is closed: a reply still in flight when it ended reaches no one
        // who matters, and damaging it now would count it in one tally and not the other.
        return content;
      }
      damagedReads.add(read);
      onDamage.accept(read);
      count(damaged.kind());
    }
    return new ObjectContent(content.meta(), content.offset(), damaged.data());
  }

  private void remember(String key, byte[] bytes) {
    if (plan.corruptReadRate() > 0 && bytes.length > 0) {
      lastSeen = new Seen(key, Arrays.copyOf(bytes, Math.min(bytes.length, MAX_REMEMBERED)));
    }
  }

  private void count(FaultKind kind) {
    counts.get(kind).increment();
  }
}
