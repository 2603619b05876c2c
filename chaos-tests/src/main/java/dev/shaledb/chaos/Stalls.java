package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import dev.shaledb.GarbageCollector;
import dev.shaledb.GcOptions;
import dev.shaledb.GcResult;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToDoubleFunction;

/**
 * The long-stall fault class: a process stalls longer than garbage collection's {@code minAge} at a
 * {@link StallPoint}, between an upload and the publish that references it, or while a reader
 * catches up. Sleeping past a real {@code minAge} would cost seconds per stall, so the stall is
 * emulated as the store's clock jumping past it: right there, synchronously on the stalled thread,
 * a full GC run with {@code minAge} zero runs as another process, on the database's fault-free
 * store, and then the stalled work goes on. Everything unreferenced at that moment (the stalled
 * upload among it) is condemned and deleted, and every superseded manifest version is retired; the
 * engine must refuse the publish and redo it, and reads of collected tables must fail with {@code
 * SnapshotTooOldException} or resume, never return wrong data.
 *
 * <p>The collector's requests go to the raw store, below the metered one: they stand in for time
 * passing, not for work the workload caused, so the request and cost rows do not count them. One
 * collector serves the whole seed (runs are serialised, and its low-water mark keeps repeated runs
 * cheap). A run never overlaps the seed's verification or final GC check: stalls happen only on a
 * live process's threads, which are all stopped before those run. Thread-safe.
 */
public final class Stalls implements AutoCloseable {
  private static final GcOptions ZERO =
      GcOptions.builder().minAge(Duration.ZERO).interval(Duration.ZERO).build();

  private final ObjectStore faultFree;
  private final String path;
  private final Tally tally;
  private final boolean enabled;
  private final ToDoubleFunction<StallPoint> rates;
  private final SplittableRandom random;
  private GarbageCollector gc;
  private boolean closed;

  /**
   * Stalls on the database under {@code path} in {@code faultFree}, drawn from {@code seed},
   * counted in {@code tally}; none at all unless {@code enabled} (the no-fault baseline seeds).
   */
  public Stalls(ObjectStore faultFree, String path, long seed, Tally tally, boolean enabled) {
    this(faultFree, path, seed, tally, enabled, StallPoint::rate);
  }

  /** As the public constructor, with the chance per passage of each point from {@code rates}. */
  Stalls(
      ObjectStore faultFree,
      String path,
      long seed,
      Tally tally,
      boolean enabled,
      ToDoubleFunction<StallPoint> rates) {
    this.faultFree = requireNonNull(faultFree, "faultFree is null");
    this.path = requireNonNull(path, "path is null");
    this.tally = requireNonNull(tally, "tally is null");
    this.enabled = enabled;
    this.rates = requireNonNull(rates, "rates is null");
    this.random = new SplittableRandom(seed ^ 0x57A11L);
  }

  /** No stalls: for processes outside the seed tiers. */
  public static Stalls none() {
    return new Stalls(new InMemoryObjectStore(), "none", 0, new Tally(), false);
  }

  /**
   * Passes {@code point}: with its rate, stalls there (runs the collection) and counts it. Returns
   * whether it stalled.
   */
  public boolean maybeStall(StallPoint point) {
    if (!enabled || !draw(rates.applyAsDouble(point))) {
      return false;
    }
    tally.stall(point);
    collect();
    return true;
  }

  /**
   * Runs the minAge-zero collection now, unconditionally (a held iterator's GC run); null if stalls
   * are disabled or the run failed.
   */
  public GcResult collectNow() {
    return enabled ? collect() : null;
  }

  /**
   * {@code delegate} for a {@code DbReader}: before each of its manifest and WAL requests (its
   * catch-up) the reader may stall at {@link StallPoint#READER_CATCH_UP}. Table reads pass through:
   * they are what a stall may make too old.
   */
  public ObjectStore readerStore(ObjectStore delegate) {
    return enabled ? new StallingReads(delegate) : new Unclosed(delegate);
  }

  private synchronized boolean draw(double rate) {
    return random.nextDouble() < rate;
  }

  private GcResult collect() {
    GarbageCollector collector = collector();
    if (collector == null) {
      return null;
    }
    try {
      GcResult r = collector.run();
      tally.add(Stat.STALL_TABLES_DELETED, r.tablesDeleted());
      return r;
    } catch (RuntimeException e) {
      // A collection racing the writer may lose (its floor publish or a retirement); the stall
      // happened all the same. Counted, so a collector that always fails would show.
      tally.inc(Stat.STALL_GC_FAILED);
      return null;
    }
  }

  /** The seed's collector, or null once the seed ended. */
  private synchronized GarbageCollector collector() {
    if (gc == null && !closed) {
      gc = GarbageCollector.open(faultFree, path, ZERO);
    }
    return gc;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (gc != null) {
      gc.close();
      gc = null;
    }
  }

  private boolean catchUpRequest(String key) {
    return key.startsWith(path + "/wal/") || key.startsWith(path + "/manifest/");
  }

  /** Does not close the store it wraps: the shared store outlives every reader. */
  private static class Unclosed extends ForwardingObjectStore {
    Unclosed(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    public void close() {}
  }

  private final class StallingReads extends Unclosed {
    StallingReads(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
      stallBefore(key);
      return super.get(key, range);
    }

    @Override
    public CompletableFuture<ObjectMeta> head(String key) {
      stallBefore(key);
      return super.head(key);
    }

    @Override
    public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
      stallBefore(prefix);
      return super.list(prefix, startAfter);
    }

    private void stallBefore(String key) {
      if (catchUpRequest(key)) {
        maybeStall(StallPoint.READER_CATCH_UP);
      }
    }
  }
}
