package dev.shaledb.compaction;

import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Ranged GETs of tables as a test scripts them: answered after a random delay of up to {@code
 * maxDelayMicros} (so replies arrive out of order, on another thread), or held from {@link #hold}
 * until {@link #release}. Suffix GETs (table opens) pass straight through. Counts the ranged GETs
 * issued.
 */
public final class ScriptedGets extends ForwardingObjectStore {
  final AtomicInteger rangedGets = new AtomicInteger();
  private final SplittableRandom random;
  private final int maxDelayMicros;
  private final List<Runnable> held = new ArrayList<>();
  private final List<String> heldKeys = new ArrayList<>();
  private Predicate<String> holding; // null: none held

  public ScriptedGets(ObjectStore delegate, long seed, int maxDelayMicros) {
    super(delegate);
    this.random = new SplittableRandom(seed);
    this.maxDelayMicros = maxDelayMicros;
  }

  /** Holds every ranged GET from now on until {@link #release}. */
  synchronized void hold() {
    holding = key -> true;
  }

  /**
   * Holds the ranged GETs of the objects {@code keys} accepts from now on until {@link #release}.
   */
  public synchronized void hold(Predicate<String> keys) {
    holding = keys;
  }

  public synchronized int heldCount() {
    return held.size();
  }

  /** The objects of the GETs held now. */
  synchronized java.util.Set<String> heldKeys() {
    return new java.util.HashSet<>(heldKeys);
  }

  /** Lets every held GET go, and stops holding. */
  public void release() {
    List<Runnable> go;
    synchronized (this) {
      holding = null;
      go = new ArrayList<>(held);
      held.clear();
      heldKeys.clear();
    }
    go.forEach(Runnable::run);
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    if (!(range instanceof ByteRange.Bounded)) {
      return super.get(key, range);
    }
    rangedGets.incrementAndGet();
    CompletableFuture<ObjectContent> result = new CompletableFuture<>();
    Runnable answer =
        () ->
            delegate
                .get(key, range)
                .whenComplete(
                    (c, e) -> {
                      if (e != null) {
                        result.completeExceptionally(e);
                      } else {
                        result.complete(c);
                      }
                    });
    long delay;
    synchronized (this) {
      if (holding != null && holding.test(key)) {
        held.add(answer);
        heldKeys.add(key);
        return result;
      }
      delay = maxDelayMicros == 0 ? 0 : random.nextLong(maxDelayMicros + 1L);
    }
    Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.MICROSECONDS);
    later.execute(answer);
    return result;
  }
}
