package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Flushes that fall behind upload several memtables at once and publish them together, in order:
 * while a table upload hangs, memtables freeze behind it; once it lands, the next flush has all of
 * them in flight at the same time and lists them in one manifest version, oldest lowest in L0.
 */
class FlushConcurrencyTest {
  /** Holds table PUTs while {@code holding}; counts how many were held at once. */
  private static final class HeldTableUploads extends ForwardingObjectStore {
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding = true;
    private int maxHeld;

    HeldTableUploads(InMemoryObjectStore delegate) {
      super(delegate);
    }

    @Override
    public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
      synchronized (this) {
        if (!holding || !key.contains("/sst/")) {
          return super.put(key, data, condition);
        }
        CompletableFuture<ObjectMeta> result = new CompletableFuture<>();
        held.add(() -> delegate.put(key, data, condition).whenComplete(complete(result)));
        maxHeld = Math.max(maxHeld, held.size());
        return result;
      }
    }

    private static java.util.function.BiConsumer<ObjectMeta, Throwable> complete(
        CompletableFuture<ObjectMeta> result) {
      return (m, e) -> {
        if (e != null) {
          result.completeExceptionally(e);
        } else {
          result.complete(m);
        }
      };
    }

    synchronized int held() {
      return held.size();
    }

    synchronized int maxHeld() {
      return maxHeld;
    }

    /** Lets the held uploads go; keeps holding later ones if {@code keepHolding}. */
    void release(boolean keepHolding) {
      List<Runnable> go;
      synchronized (this) {
        go = new ArrayList<>(held);
        held.clear();
        holding = keepHolding;
      }
      go.forEach(Runnable::run);
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(2);
    }
  }

  @Test
  void memtablesThatWaitedBehindASlowUploadGoUpTogetherInOneVersion() throws Exception {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    HeldTableUploads store = new HeldTableUploads(memory);
    DbOptions options =
        DbOptions.builder()
            .memtableBytes(4 << 10)
            .maxUnflushedBytes(1 << 20)
            .compaction(CompactionOptions.builder().enabled(false).build())
            .build();
    byte[] value = new byte[500];
    int written = 0;
    Db db = Db.open(store, "db", options);
    try {
      while (store.held() == 0) {
        db.put(b("k" + written++), value, WriteOptions.noWait());
        Thread.sleep(1);
      }
      long versionBefore = new ManifestStore(memory, "db").readLatest().orElseThrow().id();
      // Three more memtables freeze behind the held upload.
      for (int i = 0; i < 3 * 10; i++) {
        db.put(b("k" + written++), value, WriteOptions.noWait());
      }
      store.release(true);
      await(() -> store.held() >= 3);
      assertThat(store.maxHeld()).as("uploads in flight at once").isGreaterThanOrEqualTo(3);
      store.release(false);
      // Db.flush() makes writes durable in the WAL; the memtables' flushes are awaited here.
      await(() -> db.stats().immutableMemtables() == 0);
      long versions =
          new ManifestStore(memory, "db").readLatest().orElseThrow().id() - versionBefore;
      assertThat(db.stats().memtableFlushes()).isGreaterThan(versions);
      for (int i = 0; i < written; i++) {
        assertThat(db.get(b("k" + i))).as("k" + i).isEqualTo(value);
      }
    } finally {
      store.release(false); // a failed assertion must not leave close waiting for an upload
      db.close();
    }
    try (Db reopened = Db.open(memory, "db", options)) {
      for (int i = 0; i < written; i++) {
        assertThat(reopened.get(b("k" + i))).as("k" + i + " after reopen").isEqualTo(value);
      }
    }
  }
}
