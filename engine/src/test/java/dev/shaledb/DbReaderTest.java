package dev.shaledb;

import static dev.shaledb.Testing.b;
import static dev.shaledb.Testing.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.DbNotFoundException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.testing.stores.CountingObjectStore;
import dev.shaledb.testing.stores.CountingObjectStore.Op;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** What a {@link DbReader} sees of a database another {@link Db} writes, and what it costs. */
class DbReaderTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  static DbReaderOptions manual() {
    return DbReaderOptions.builder().pollInterval(Duration.ZERO).build();
  }

  /** A writer whose non-durable writes stay in its WAL buffer until a durable one or a flush. */
  static DbOptions writerOptions(long memtableBytes) {
    DbOptions d = DbOptions.defaults();
    return d.toBuilder()
        .memtableBytes(memtableBytes)
        .maxUnflushedBytes(Math.max(4 * memtableBytes, 1 << 20))
        .walOptions(d.walOptions().withFlushInterval(null))
        .build();
  }

  @Test
  void aMissingDatabaseIsRefusedAndNothingIsWritten() {
    CountingObjectStore counting = new CountingObjectStore(store);
    assertThatThrownBy(() -> DbReader.open(counting, "nowhere", manual()))
        .isInstanceOf(DbNotFoundException.class)
        .hasMessage("no database at path 'nowhere': it has no manifest");
    assertThat(counting.count(Op.PUT) + counting.count(Op.DELETE)).isZero();
    assertThat(store.list("").join()).isEmpty();
  }

  /**
   * Chaos seed 3497096639: a reader that had applied a range delete from the WAL dropped it when it
   * moved to a manifest whose tables ended below it, and showed the deleted keys again.
   */
  @Test
  void seed3497096639_aReaderKeepsRangeDeletesAboveTheManifestItMovesTo() throws Exception {
    java.util.concurrent.CountDownLatch uploads = new java.util.concurrent.CountDownLatch(1);
    dev.shaledb.objectstore.ObjectStore held =
        new dev.shaledb.objectstore.ForwardingObjectStore(store) {
          @Override
          public java.util.concurrent.CompletableFuture<dev.shaledb.objectstore.ObjectMeta> put(
              String key,
              java.nio.ByteBuffer data,
              dev.shaledb.objectstore.PutCondition condition) {
            if (key.contains("/sst/")) {
              try {
                uploads.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return super.put(key, data, condition);
          }
        };
    try (Db db = Db.open(held, "db", writerOptions(1024));
        DbReader reader = DbReader.open(store, "db", manual())) {
      db.put(b("k1"), new byte[2048]); // fills the memtable: it freezes, its flush waits
      db.deleteRange(b("k0"), b("k9"));
      db.put(b("k5"), b("after"));
      reader.refresh();
      assertThat(reader.get(b("k1"))).isNull();
      uploads.countDown(); // the flush publishes tables up to k1's write, below the range delete
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (db.stats().memtableFlushes() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      reader.refresh();
      assertThat(reader.get(b("k1"))).isNull();
      assertThat(reader.get(b("k5"))).isEqualTo(b("after"));
      assertThat(keys(reader.scan(null, null))).containsExactly("k5");
    }
  }

  @Test
  void seesDurableWritesAfterRefreshButNeverUnuploadedOnes() {
    try (Db db = Db.open(store, "db", writerOptions(64 << 20));
        DbReader reader = DbReader.open(store, "db", manual())) {
      db.put(b("a"), b("1"));
      db.write(new WriteBatch().put(b("b"), b("2")).put(b("c"), b("3")));
      assertThat(reader.get(b("a"))).isNull(); // not refreshed yet
      reader.refresh();
      assertThat(reader.get(b("a"))).isEqualTo(b("1"));
      assertThat(keys(reader.scan(null, null))).containsExactly("a", "b", "c");

      db.put(b("d"), b("4"), WriteOptions.noWait());
      db.delete(b("a"), WriteOptions.noWait());
      reader.refresh();
      assertThat(reader.get(b("d"))).isNull();
      assertThat(reader.get(b("a"))).isEqualTo(b("1"));

      db.flush(); // uploads the WAL buffer
      reader.refresh();
      assertThat(reader.get(b("d"))).isEqualTo(b("4"));
      assertThat(reader.get(b("a"))).isNull();
      assertThat(keys(reader.scanPrefix(b("c")))).containsExactly("c");
    }
  }

  @Test
  void seesDurableWritesWithinAPollInterval() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    DbReaderOptions polling =
        DbReaderOptions.builder().pollInterval(Duration.ofMillis(20)).scheduler(scheduler).build();
    try (Db db = Db.open(store, "db");
        DbReader reader = DbReader.open(store, "db", polling)) {
      db.put(b("k"), b("v"));
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (reader.get(b("k")) == null && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(reader.get(b("k"))).isEqualTo(b("v"));
      assertThat(reader.stats().refreshes()).isGreaterThan(0);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void afterTheWriterFlushesItsTablesTheMemtableShrinks() {
    Db db = Db.open(store, "db", writerOptions(64 << 20));
    try (DbReader reader = DbReader.open(store, "db", manual())) {
      for (int i = 0; i < 50; i++) {
        db.put(b("k" + i), b("v" + i), WriteOptions.noWait());
      }
      db.delete(b("k7"));
      reader.refresh();
      long before = reader.manifestId();
      assertThat(reader.stats().memtableEntries()).isEqualTo(51);
      db.close(); // flushes the memtable to a table and publishes the manifest
      reader.refresh();
      assertThat(reader.manifestId()).isGreaterThan(before);
      assertThat(reader.stats().memtableEntries()).isZero();
      assertThat(reader.stats().memtableBytes()).isZero();
      assertThat(reader.stats().l0Tables()).isEqualTo(1);
      assertThat(reader.get(b("k3"))).isEqualTo(b("v3"));
      assertThat(reader.get(b("k7"))).isNull();
      assertThat(keys(reader.scan(null, null))).hasSize(49);
    }
  }

  @Test
  void anIdleRefreshCostsOneHeadAndOneRangedGetAndNoWrite() {
    try (Db db = Db.open(store, "db")) {
      db.put(b("a"), b("1"));
      CountingObjectStore counting = new CountingObjectStore(store);
      try (DbReader reader = DbReader.open(counting, "db", manual())) {
        assertThat(reader.get(b("a"))).isEqualTo(b("1"));
        counting.reset();
        reader.refresh();
        assertThat(counting.count(Op.HEAD)).isEqualTo(1);
        assertThat(counting.count(Op.GET)).isEqualTo(1);
        assertThat(counting.total()).isEqualTo(2);
        db.put(b("b"), b("2"));
        counting.reset();
        reader.refresh();
        // One new WAL object: the manifest HEAD, the WAL probe, the chain tail's header, the
        // object, and the replay's read-ahead of the absent ids after it (4).
        assertThat(counting.count(Op.HEAD)).isEqualTo(1);
        assertThat(counting.count(Op.GET)).isLessThanOrEqualTo(7);
        assertThat(reader.get(b("b"))).isEqualTo(b("2"));
        assertThat(counting.count(Op.PUT) + counting.count(Op.DELETE) + counting.count(Op.LIST))
            .isZero();
      }
    }
  }

  @Test
  void argumentsAreCheckedLikeDbsAndCloseIsFinal() {
    try (Db db = Db.open(store)) {
      db.put(b("a"), b("1"));
    }
    DbReader reader = DbReader.open(store);
    assertThatThrownBy(() -> reader.get(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key is null");
    assertThatThrownBy(() -> reader.get(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key is empty");
    assertThatThrownBy(() -> reader.scan(new byte[70_000], null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("startInclusive of 70000 bytes");
    assertThatThrownBy(() -> reader.scanPrefix(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("prefix is null");
    assertThatThrownBy(() -> reader.get(b("a"), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("options is null");
    try (Db db = Db.open(store, "other");
        Snapshot snapshot = db.snapshot()) {
      assertThatThrownBy(() -> reader.get(b("a"), ReadOptions.defaults().withSnapshot(snapshot)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not take snapshots");
    }
    assertThat(reader.get(b("a"), ReadOptions.defaults().withDurableOnly(true))).isEqualTo(b("1"));
    assertThatThrownBy(() -> DbReader.open(store, "bad/", manual()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DbReaderOptions.builder().pollInterval(Duration.ofMillis(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pollInterval is negative: PT-0.001S");

    reader.close();
    reader.close();
    assertThatThrownBy(() -> reader.get(b("a")))
        .isInstanceOf(DbClosedException.class)
        .hasMessage("reader is closed");
    assertThatThrownBy(reader::refresh).isInstanceOf(DbClosedException.class);
    assertThatThrownBy(() -> reader.scan(null, null)).isInstanceOf(DbClosedException.class);
  }

  @Test
  void anOwnedPollerStopsOnClose() {
    try (Db db = Db.open(store)) {
      db.put(b("a"), b("1"));
    }
    CountingObjectStore counting = new CountingObjectStore(store);
    DbReader reader =
        DbReader.open(
            counting, "", DbReaderOptions.builder().pollInterval(Duration.ofMillis(1)).build());
    reader.close();
    long after = counting.total();
    try {
      Thread.sleep(30);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    assertThat(counting.total()).isEqualTo(after);
  }
}
