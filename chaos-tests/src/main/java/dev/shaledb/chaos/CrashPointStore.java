package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.MultipartUpload;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The boundary between one in-process "process" and the shared store: the lowest layer of its
 * stack, so that after {@link #crash()} nothing the process sends reaches the store, whatever the
 * layers above still hold (latency delays, retries). It fires an armed {@link CrashPoint} at a
 * request boundary, pauses the process's requests (a zombie writer stalled past its fencing), and
 * can keep puts sent after the crash to land them late, after the next process opened — the
 * real-world zombie case where a request outlives its sender.
 *
 * <p>Thread-safe. {@link #close()} does not close the shared store.
 */
public final class CrashPointStore extends ForwardingObjectStore {
  private record LatePut(String key, byte[] data, PutCondition condition) {}

  private final Object lock = new Object();
  private final List<LatePut> late = new ArrayList<>();
  private CrashPoint armed;
  private int countdown;
  private int lateCapacity;
  private int kept;
  private volatile boolean recovering;
  private volatile boolean crashed;
  private volatile CrashPoint fired;
  private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

  public CrashPointStore(ObjectStore shared) {
    super(shared);
  }

  /** Crashes at the {@code nth} (1-based) request matching {@code point}; replaces any armed. */
  public void arm(CrashPoint point, int nth) {
    requireNonNull(point, "point is null");
    if (nth < 1) {
      throw new IllegalArgumentException("nth is below 1: " + nth);
    }
    synchronized (lock) {
      armed = point;
      countdown = nth;
    }
  }

  /** Whether requests now belong to {@code Db.open} ({@link CrashPoint#DURING_RECOVERY}). */
  public void recovering(boolean value) {
    recovering = value;
  }

  /** Keeps up to {@code max} puts sent after the crash for {@link #landLate}. */
  public void keepLatePuts(int max) {
    synchronized (lock) {
      lateCapacity = max;
    }
  }

  /**
   * Called by the engine's listener at {@code point} (an {@link CrashPoint#atEngineHook} point):
   * crashes the process, as {@link #crash()}, if that point is armed and its countdown ends now.
   * The caller then throws, so the engine stops exactly there.
   */
  public boolean fireHook(CrashPoint point) {
    if (!point.atEngineHook()) {
      throw new IllegalArgumentException(point + " is not an engine hook point");
    }
    return fire(point);
  }

  /** Kills the process: every later request fails at once. Idempotent. */
  public void crash() {
    crashed = true;
  }

  public boolean isCrashed() {
    return crashed;
  }

  /** The armed point that crashed the process, or null. */
  public CrashPoint fired() {
    return fired;
  }

  /** Holds every later request until {@link #resume()}. */
  public void pause() {
    synchronized (lock) {
      if (gate.isDone()) {
        gate = new CompletableFuture<>();
      }
    }
  }

  public void resume() {
    gate.complete(null);
  }

  /** How many puts were kept to land late so far. */
  public int latePutsKept() {
    synchronized (lock) {
      return kept;
    }
  }

  /**
   * Applies the kept puts to {@code store} now, as their senders meant; returns how many landed.
   */
  public int landLate(ObjectStore store) {
    List<LatePut> puts;
    synchronized (lock) {
      puts = new ArrayList<>(late);
      late.clear();
    }
    int landed = 0;
    for (LatePut p : puts) {
      try {
        Futures.join(store.put(p.key(), ByteBuffer.wrap(p.data()), p.condition()));
        landed++;
      } catch (RuntimeException refused) {
        // A 412 from the fence or the new writer's object: exactly what fencing is for.
      }
    }
    return landed;
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    if (crashed) {
      synchronized (lock) {
        if (late.size() < lateCapacity) {
          byte[] copy = new byte[data.remaining()];
          data.duplicate().get(copy);
          late.add(new LatePut(key, copy, condition));
          kept++;
        }
      }
    }
    return call("PUT", key, () -> delegate.put(key, data, condition));
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    return call("GET", key, () -> delegate.get(key, range));
  }

  @Override
  public CompletableFuture<ObjectMeta> head(String key) {
    return call("HEAD", key, () -> delegate.head(key));
  }

  @Override
  public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
    return call("LIST", prefix, () -> delegate.list(prefix, startAfter));
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return call("DELETE", key, () -> delegate.delete(key));
  }

  /**
   * Uploads stream through the boundary, each request one the process sends, so none reaches the
   * store after the crash. A table upload's start is where {@link CrashPoint#BEFORE_TABLE_PUT}
   * fires (nothing of the table sent) and its completion where {@link CrashPoint#AFTER_TABLE_PUT}
   * fires (published, the writer not told): the points of a table's single put. Parts fire no
   * point. A crashed process's upload requests are not kept to land late: uploads are never
   * conditional, and late landings are about fencing conditional writes.
   */
  @Override
  public MultipartUpload multipartUpload(String key) {
    return MultipartUpload.intercepted(delegate.multipartUpload(key), this::uploadRequest);
  }

  private <T> CompletableFuture<T> uploadRequest(
      MultipartUpload.Request request, Supplier<CompletableFuture<T>> send) {
    String key = request.key();
    return switch (request.kind()) {
      case START -> call("PUT", key, CrashPoint.beforePoint("PUT", key), null, send);
      case PART -> call("PUT", key, null, null, send);
      case COMPLETE -> call("PUT", key, null, CrashPoint.afterPoint("PUT", key), send);
      case ABORT -> call("ABORT", key, null, null, send);
    };
  }

  @Override
  public void close() {
    // The shared store outlives every process.
  }

  private <T> CompletableFuture<T> call(
      String op, String key, Supplier<CompletableFuture<T>> request) {
    return call(op, key, CrashPoint.beforePoint(op, key), CrashPoint.afterPoint(op, key), request);
  }

  /** Sends {@code request} unless crashed, firing {@code before} and {@code after} (null: none). */
  private <T> CompletableFuture<T> call(
      String op,
      String key,
      CrashPoint before,
      CrashPoint afterPoint,
      Supplier<CompletableFuture<T>> request) {
    CompletableFuture<Void> g = gate;
    if (!g.isDone()) {
      return g.thenCompose(ignored -> call(op, key, before, afterPoint, request));
    }
    if (crashed) {
      return dead(op, key);
    }
    if (fire(recovering ? CrashPoint.DURING_RECOVERY : before)) {
      return dead(op, key);
    }
    CrashPoint after = recovering ? null : afterPoint;
    CompletableFuture<T> sent;
    try {
      sent = request.get();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<T> result = sent;
    // A dead process hears no answer, even to a request it sent while alive.
    return sent.handle((v, e) -> null)
        .thenCompose(ignored -> fire(after) || crashed ? dead(op, key) : result);
  }

  /** Fires {@code point} if it is armed and its countdown ends now. */
  private boolean fire(CrashPoint point) {
    if (point == null) {
      return false;
    }
    synchronized (lock) {
      if (armed != point || crashed) {
        return false;
      }
      if (--countdown > 0) {
        return false;
      }
      armed = null;
      fired = point;
      crashed = true;
      return true;
    }
  }

  private static <T> CompletableFuture<T> dead(String op, String key) {
    return CompletableFuture.failedFuture(
        new ObjectStoreException(op + " '" + key + "': the process crashed (injected)", false));
  }
}
