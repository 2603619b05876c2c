package dev.shaledb.gc;

import dev.shaledb.DbListener;
import dev.shaledb.GcOptions;
import dev.shaledb.GcPlan;
import dev.shaledb.GcResult;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PreconditionFailedException;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.support.StoreClock;
import dev.shaledb.table.TableKeys;
import dev.shaledb.wal.WalKeys;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A garbage collection run that changes nothing (docs/gc.md, "Dry run"): a fresh {@link Collector}
 * runs over a store that records each PUT and DELETE instead of making it, and the recorded writes
 * become a {@link GcPlan}. Because it is the run's own code, the plan is not a guess; a step added
 * to {@link Collector} shows up in the plan (as {@link GcPlan#otherWrites()} until it is named).
 *
 * <p>The one write that reaches the store is the clock probe ({@link StoreClock}): PUT is the only
 * way to read the store's clock, and ages measured with a local clock could make the plan wrong. It
 * rewrites the same empty object every run writes. Conditional puts are checked against the store
 * (a HEAD), so a floor publish that would lose a race is retried on the newer version, as in a run.
 * A recorded write is not visible to later reads of the same run; no step of a run reads back what
 * it wrote.
 */
public final class GcDryRun {
  private GcDryRun() {}

  /** What one run with {@code options} would do now to the database at {@code path}. */
  public static GcPlan plan(ObjectStore store, String path, GcOptions options) {
    ManifestKeys.validateDbPath(path);
    Recorder recorder = new Recorder(store, StoreClock.probeKey(path));
    GcResult result = new Collector(recorder, path, options, null, DbListener.NONE).run();
    List<Long> retire = new ArrayList<>();
    String floor = "";
    List<ObjectMeta> tables = new ArrayList<>();
    List<ObjectMeta> wal = new ArrayList<>();
    List<String> other = new ArrayList<>();
    for (Write w : recorder.writes) {
      OptionalLong manifest = ManifestKeys.parseId(path, w.key());
      ObjectMeta listed = recorder.listed.get(w.key());
      if (w.data() != null && manifest.isPresent() && w.data().length == 0) {
        retire.add(manifest.getAsLong());
      } else if (w.data() != null && manifest.isPresent()) {
        floor = floorOf(path, manifest.getAsLong(), w);
      } else if (w.data() == null && listed != null && TableKeys.parseId(path, w.key()) != null) {
        tables.add(listed);
      } else if (w.data() == null && listed != null && WalKeys.parseId(path, w.key()).isPresent()) {
        wal.add(listed);
      } else {
        other.add((w.data() == null ? "DELETE " : "PUT ") + w.key());
      }
    }
    Collections.sort(retire);
    return new GcPlan(result, retire, floor, tables, wal, other);
  }

  /** The table floor of the manifest version a run would publish: decoded as a reader would. */
  private static String floorOf(String path, long id, Write publish) {
    try (InMemoryObjectStore scratch = new InMemoryObjectStore()) {
      Futures.join(scratch.put(publish.key(), publish.data(), PutCondition.none()));
      return new ManifestStore(scratch, path)
          .read(id)
          .orElseThrow(() -> new IllegalStateException("a publish of manifest " + id + " is empty"))
          .state()
          .condemnedThrough();
    }
  }

  /** A PUT ({@code data} the bytes) or a DELETE ({@code data} null) the run asked for. */
  private record Write(String key, byte[] data) {}

  /** Records writes instead of making them; passes reads and the clock probe through. */
  private static final class Recorder extends ForwardingObjectStore {
    private final String probeKey;
    private final Map<String, ObjectMeta> listed = new ConcurrentHashMap<>();
    private final List<Write> writes = Collections.synchronizedList(new ArrayList<>());
    private volatile Instant storeTime = Instant.EPOCH;

    Recorder(ObjectStore store, String probeKey) {
      super(store);
      this.probeKey = probeKey;
    }

    @Override
    public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
      if (key.equals(probeKey)) {
        return delegate
            .put(key, data, condition)
            .thenApply(
                meta -> {
                  storeTime = meta.lastModified();
                  return meta;
                });
      }
      try {
        check(key, condition);
      } catch (PreconditionFailedException e) {
        return CompletableFuture.failedFuture(e);
      }
      byte[] bytes = new byte[data.remaining()];
      data.duplicate().get(bytes);
      writes.add(new Write(key, bytes));
      return CompletableFuture.completedFuture(
          new ObjectMeta(key, bytes.length, "dry-run", storeTime));
    }

    /** Fails as the store would if {@code condition} does not hold now. */
    private void check(String key, PutCondition condition) {
      if (condition instanceof PutCondition.None) {
        return;
      }
      ObjectMeta current;
      try {
        current = Futures.join(delegate.head(key));
      } catch (ObjectNotFoundException absent) {
        current = null;
      }
      boolean holds =
          condition instanceof PutCondition.IfMatch m
              ? current != null && current.version().equals(m.version())
              : current == null;
      if (!holds) {
        throw new PreconditionFailedException(key, condition);
      }
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
      writes.add(new Write(key, null));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
      return delegate
          .list(prefix, startAfter)
          .thenApply(
              listing -> {
                for (ObjectMeta meta : listing) {
                  listed.put(meta.key(), meta);
                }
                return listing;
              });
    }

    /** The caller owns the store. */
    @Override
    public void close() {}
  }
}
