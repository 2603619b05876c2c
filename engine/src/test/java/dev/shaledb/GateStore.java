package dev.shaledb;

import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds table GETs, once armed, until {@code expected} of them are pending, then lets them all go:
 * a reader (a multiGet, the seeks of a merge) that awaited one GET before issuing the next would
 * never reach the count. After five seconds it lets everything go and records the time-out, so a
 * failing test cannot hang.
 */
final class GateStore extends ForwardingObjectStore {
  final AtomicInteger maxHeld = new AtomicInteger();
  volatile boolean timedOut;
  private final List<Runnable> held = new ArrayList<>();
  private int expected;

  GateStore(ObjectStore delegate) {
    super(delegate);
  }

  synchronized void holdUntil(int count) {
    expected = count;
    CompletableFuture.delayedExecutor(5, TimeUnit.SECONDS)
        .execute(
            () -> {
              synchronized (this) {
                if (expected > 0) {
                  timedOut = true;
                  release();
                }
              }
            });
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    synchronized (this) {
      if (expected == 0 || !key.contains("/sst/")) {
        return super.get(key, range);
      }
      CompletableFuture<ObjectContent> result = new CompletableFuture<>();
      held.add(() -> Futures.relay(() -> delegate.get(key, range), result));
      maxHeld.accumulateAndGet(held.size(), Math::max);
      if (held.size() >= expected) {
        release();
      }
      return result;
    }
  }

  /** Lets every held GET go and stops holding; called holding the lock. */
  private void release() {
    expected = 0;
    List<Runnable> go = new ArrayList<>(held);
    held.clear();
    // Completed on another thread, as a store's I/O threads would.
    CompletableFuture.runAsync(() -> go.forEach(Runnable::run));
  }
}
