package dev.shaledb.testing.stores;

import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Lets a test intercept puts: pause them on a latch, apply them and then report a timeout, fail
 * them without applying, or delay their completion. Other calls pass through.
 */
public final class HookedObjectStore extends ForwardingObjectStore {

  /** Decides what a put does; {@code proceed} performs it on the delegate. */
  @FunctionalInterface
  public interface PutHook {
    CompletableFuture<ObjectMeta> onPut(
        String key,
        ByteBuffer data,
        PutCondition condition,
        Supplier<CompletableFuture<ObjectMeta>> proceed);
  }

  private volatile PutHook hook;

  public HookedObjectStore(ObjectStore delegate) {
    super(delegate);
  }

  /** Installs {@code hook} (null: pass every put through). */
  public void setPutHook(PutHook hook) {
    this.hook = hook;
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    PutHook current = hook;
    ByteBuffer copy = data.duplicate();
    Supplier<CompletableFuture<ObjectMeta>> proceed = () -> delegate.put(key, copy, condition);
    return current == null ? proceed.get() : current.onPut(key, data, condition, proceed);
  }

  /** The next {@code times} puts whose key matches are applied, then reported as timed out. */
  public static PutHook applyThenTimeOut(Predicate<String> keys, int times) {
    AtomicInteger left = new AtomicInteger(times);
    return (key, data, condition, proceed) -> {
      if (!keys.test(key) || left.getAndDecrement() <= 0) {
        return proceed.get();
      }
      return proceed.get().thenCompose(applied -> CompletableFuture.failedFuture(timeout(key)));
    };
  }

  /** The next {@code times} puts whose key matches are not applied and reported as timed out. */
  public static PutHook timeOutWithoutApplying(Predicate<String> keys, int times) {
    AtomicInteger left = new AtomicInteger(times);
    return (key, data, condition, proceed) -> {
      if (!keys.test(key) || left.getAndDecrement() <= 0) {
        return proceed.get();
      }
      return CompletableFuture.failedFuture(timeout(key));
    };
  }

  /**
   * The first put whose key matches counts down {@code reached} and waits, on another thread, for
   * {@code release} before it is applied; the caller's future stays pending meanwhile.
   */
  public static PutHook pauseFirst(
      Predicate<String> keys, CountDownLatch reached, CountDownLatch release) {
    AtomicInteger left = new AtomicInteger(1);
    return (key, data, condition, proceed) -> {
      if (!keys.test(key) || left.getAndDecrement() <= 0) {
        return proceed.get();
      }
      reached.countDown();
      CompletableFuture<ObjectMeta> result = new CompletableFuture<>();
      Thread waiter =
          new Thread(
              () -> {
                await(release);
                proceed.get().whenComplete((meta, error) -> complete(result, meta, error));
              },
              "paused-put");
      waiter.setDaemon(true);
      waiter.start();
      return result;
    };
  }

  private static void complete(
      CompletableFuture<ObjectMeta> result, ObjectMeta meta, Throwable error) {
    if (error != null) {
      result.completeExceptionally(error);
    } else {
      result.complete(meta);
    }
  }

  static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while paused", e);
    }
  }

  private static OutcomeUnknownException timeout(String key) {
    return new OutcomeUnknownException(
        "put of '" + key + "' timed out after it was sent", new TimeoutException("injected"));
  }
}
