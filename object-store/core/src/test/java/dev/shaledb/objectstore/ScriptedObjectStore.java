package dev.shaledb.objectstore;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Fails requests as a test scripts: each request, of any kind, takes the next {@link Step}; once
 * the script is used up, requests pass through to the delegate.
 */
public final class ScriptedObjectStore extends ForwardingObjectStore {

  /** What one request does. */
  public record Step(RuntimeException failure, boolean applyFirst) {
    /** Reach the delegate and report what it says. */
    public static Step pass() {
      return new Step(null, false);
    }

    /** Fail with {@code failure} without reaching the delegate. */
    public static Step fail(RuntimeException failure) {
      return new Step(failure, false);
    }

    /** Apply the request at the delegate, then fail with {@code failure} whatever it said. */
    public static Step applyThenFail(RuntimeException failure) {
      return new Step(failure, true);
    }
  }

  private final Deque<Step> script = new ArrayDeque<>();
  private final AtomicInteger requests = new AtomicInteger();

  public ScriptedObjectStore(ObjectStore delegate) {
    super(delegate);
  }

  /** Appends {@code steps} to the script. */
  public synchronized ScriptedObjectStore then(Step... steps) {
    script.addAll(List.of(steps));
    return this;
  }

  /** Appends {@code times} copies of {@code step}. */
  public synchronized ScriptedObjectStore times(int times, Step step) {
    for (int i = 0; i < times; i++) {
      script.add(step);
    }
    return this;
  }

  /** Requests received so far. */
  public int requests() {
    return requests.get();
  }

  private <T> CompletableFuture<T> step(Supplier<CompletableFuture<T>> proceed) {
    requests.incrementAndGet();
    Step step;
    synchronized (this) {
      step = script.poll();
    }
    if (step == null || step.failure() == null) {
      return proceed.get();
    }
    if (!step.applyFirst()) {
      return CompletableFuture.failedFuture(step.failure());
    }
    return proceed
        .get()
        .handle((value, error) -> value)
        .thenCompose(ignored -> CompletableFuture.failedFuture(step.failure()));
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    return step(() -> delegate.put(key, data, condition));
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    return step(() -> delegate.get(key, range));
  }

  @Override
  public CompletableFuture<ObjectMeta> head(String key) {
    return step(() -> delegate.head(key));
  }

  @Override
  public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
    return step(() -> delegate.list(prefix, startAfter));
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return step(() -> delegate.delete(key));
  }

  /** Every request of an upload (start, part, completion, abort) takes a step too. */
  @Override
  public MultipartUpload multipartUpload(String key) {
    return MultipartUpload.intercepted(delegate.multipartUpload(key), this::uploadStep);
  }

  private <T> CompletableFuture<T> uploadStep(
      MultipartUpload.Request request, Supplier<CompletableFuture<T>> send) {
    return step(send);
  }
}
