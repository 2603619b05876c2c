package dev.shaledb.compaction;

import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * GETs of tables as a test scripts them: a ranged GET is answered after a random delay of up to
 * {@code maxDelayMicros} (so replies arrive out of order, on another thread); a suffix GET (a table
 * open) at once. GETs that a {@code hold} method picks wait until {@link #release}. Counts ranged
 * and suffix GETs. Public for the engine's API and table tests.
 */
public final class ScriptedGets extends ForwardingObjectStore {
  public final AtomicInteger rangedGets = new AtomicInteger();
  public final AtomicInteger suffixGets = new AtomicInteger();
  private final SplittableRandom random;
  private final int maxDelayMicros;
  private final List<Runnable> held = new ArrayList<>();
  private final List<String> heldKeys = new ArrayList<>();
  private BiPredicate<String, ByteRange> holding; // null: none held

  public ScriptedGets(ObjectStore delegate, long seed, int maxDelayMicros) {
    super(delegate);
    this.random = new SplittableRandom(seed);
    this.maxDelayMicros = maxDelayMicros;
  }

  /** Holds every ranged GET from now on until {@link #release}. */
  public synchronized void hold() {
    holding = (key, range) -> range instanceof ByteRange.Bounded;
  }

  /**
   * Holds the ranged GETs of the objects {@code keys} accepts from now on until {@link #release}.
   */
  public synchronized void hold(Predicate<String> keys) {
    holding = (key, range) -> range instanceof ByteRange.Bounded && keys.test(key);
  }

  /** Holds the suffix GETs (opens) of the objects {@code keys} accepts until {@link #release}. */
  public synchronized void holdOpens(Predicate<String> keys) {
    holding = (key, range) -> range instanceof ByteRange.Suffix && keys.test(key);
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
    boolean ranged = range instanceof ByteRange.Bounded;
    (ranged ? rangedGets : suffixGets).incrementAndGet();
    CompletableFuture<ObjectContent> result = new CompletableFuture<>();
    Runnable answer = () -> Futures.relay(() -> delegate.get(key, range), result);
    long delay;
    synchronized (this) {
      if (holding != null && holding.test(key, range)) {
        held.add(answer);
        heldKeys.add(key);
        return result;
      }
      delay = !ranged || maxDelayMicros == 0 ? 0 : random.nextLong(maxDelayMicros + 1L);
    }
    if (delay == 0) {
      answer.run();
    } else {
      CompletableFuture.delayedExecutor(delay, TimeUnit.MICROSECONDS).execute(answer);
    }
    return result;
  }
}
