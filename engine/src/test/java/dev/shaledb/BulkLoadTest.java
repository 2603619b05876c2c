package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.DbException;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.wal.WalObjectHeader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bulk-load mode (issue 21 item 4): writes skip the WAL, are readable at once, and are durable
 * exactly when the flush of their memtable is published, so a crash loses exactly the writes after
 * the last published flush, and the WAL anchors stay such that any later open, in either mode,
 * replays a consistent chain.
 */
class BulkLoadTest {
  private final InMemoryObjectStore base = new InMemoryObjectStore();

  /** Tiny memtables, so a load of a few thousand keys flushes many times by itself. */
  static DbOptions tinyBulk() {
    return DbModelPropertyTest.tinyOptions().toBuilder().bulkLoad(true).build();
  }

  /** A memtable no test here fills: only flush() and close() publish. */
  private static DbOptions roomyBulk() {
    return DbOptions.builder().memtableBytes(4 << 20).bulkLoad(true).build();
  }

  @Test
  void aBulkLoadIsReadableWhileLoadingAndWholeAfterCloseAndReopen() {
    UploadCounter store = new UploadCounter(base, "db");
    try (Db db = Db.open(store, "db", tinyBulk())) {
      for (int i = 0; i < 2000; i++) {
        db.put(key(i), value(i), WriteOptions.noWait());
        if (i % 500 == 499) {
          assertThat(db.get(key(i - 400))).isEqualTo(value(i - 400));
          assertThat(Testing.keys(db.scan(null, null))).hasSize(i + 1);
        }
      }
      db.write(new WriteBatch().delete(key(7)).put(key(8), b("eight")), WriteOptions.noWait());
      DbStats stats = db.stats();
      assertThat(stats.bulkLoad()).isTrue();
      assertThat(stats.memtableFlushes()).as("full memtables flushed by themselves").isPositive();
    }
    assertThat(store.puts("wal")).as("the fence the open placed, and nothing else").isEqualTo(1);
    assertThat(store.bytes("wal")).isEqualTo(WalObjectHeader.FENCE_OBJECT_SIZE);
    assertThat(store.puts("sst")).isPositive();
    try (Db reopened = Db.open(base, "db")) {
      assertThat(reopened.stats().bulkLoad()).isFalse();
      assertThat(reopened.stats().immutableMemtables() + reopened.stats().memtableBytes())
          .as("nothing to replay")
          .isZero();
      for (int i = 0; i < 2000; i++) {
        byte[] expected = i == 7 ? null : i == 8 ? b("eight") : value(i);
        assertThat(reopened.get(key(i))).as("key %d", i).isEqualTo(expected);
      }
    }
  }

  @Test
  void theSameLoadWithoutBulkLoadUploadsItsBytesToTheWalToo() {
    // The control for the test above: the WAL count there is zero because of the mode.
    UploadCounter store = new UploadCounter(base, "db");
    long userBytes = 0;
    try (Db db = Db.open(store, "db", DbModelPropertyTest.tinyOptions())) {
      for (int i = 0; i < 2000; i++) {
        db.put(key(i), value(i), WriteOptions.noWait());
        userBytes += key(i).length + value(i).length;
      }
    }
    assertThat(store.puts("wal")).isGreaterThan(1);
    assertThat(store.bytes("wal")).isGreaterThan(userBytes);
  }

  @Test
  void aCrashLosesExactlyTheWritesAfterTheLastFlush() {
    CrashableStore store = new CrashableStore(base);
    Db db = Db.open(store, "db", roomyBulk());
    for (int i = 0; i < 500; i++) {
      db.put(key(i), value(i), WriteOptions.noWait());
    }
    db.flush();
    long flushed = db.stats().durableSequence();
    assertThat(flushed).isEqualTo(500);
    for (int i = 0; i < 100; i++) {
      db.put(key(i), b("overwritten"), WriteOptions.noWait());
      db.delete(key(100 + i), WriteOptions.noWait());
      db.put(b("tail" + i), b("lost"), WriteOptions.noWait());
    }
    assertThat(db.get(key(0))).isEqualTo(b("overwritten"));
    assertThat(db.get(key(0), ReadOptions.defaults().withDurableOnly(true))).isEqualTo(value(0));
    DbStats before = db.stats();
    assertThat(before.lastSequence() - before.durableSequence()).isEqualTo(300);
    store.crash();
    // The close cannot publish the tail, and says so rather than return as if it had.
    assertThatThrownBy(db::close).isInstanceOf(DbException.class);
    try (Db reopened = Db.open(base, "db")) {
      assertThat(reopened.engine().manifestState().lastFlushedSeq()).isEqualTo(flushed);
      for (int i = 0; i < 500; i++) {
        assertThat(reopened.get(key(i))).as("key %d", i).isEqualTo(value(i));
      }
      assertThat(Testing.keys(reopened.scanPrefix(b("tail")))).isEmpty();
    }
  }

  @Test
  void aCrashKeepsEveryFlushTheLoadPublishedByItselfAndNothingAfter() {
    CrashableStore store = new CrashableStore(base);
    Db db = Db.open(store, "db", tinyBulk());
    int written = 0;
    for (; written < 3000; written++) {
      db.put(key(written), value(written), WriteOptions.noWait());
    }
    // A write in the active memtable is surely lost: no freeze, so no flush, can take it now.
    while (db.stats().memtableBytes() == 0) {
      db.put(key(written), value(written), WriteOptions.noWait());
      written++;
    }
    store.crash();
    long durable = db.stats().durableSequence();
    assertThatThrownBy(db::close).isInstanceOf(DbException.class);
    try (Db reopened = Db.open(base, "db")) {
      long published = reopened.engine().manifestState().lastFlushedSeq();
      assertThat(published).isBetween(durable, (long) written - 1);
      assertThat(published).as("background flushes published a part").isPositive();
      // Key i had sequence number i + 1: present exactly when its flush was published.
      for (int i = 0; i < written; i++) {
        assertThat(reopened.get(key(i)))
            .as("key %d, published through %d", i, published)
            .isEqualTo(i < published ? value(i) : null);
      }
    }
  }

  @Test
  void theWalAnchorsStayConsistentAcrossModesAndCrashes() {
    // 1. A normal writer's durable write, in the WAL only.
    CrashableStore first = new CrashableStore(base);
    Db normal = Db.open(first, "db", DbOptions.builder().flushOnClose(false).build());
    normal.put(b("w1"), b("wal"));
    crash(first, normal);
    // 2. A bulk loader sees it (replayed) and crashes before any flush: the anchor did not move.
    CrashableStore second = new CrashableStore(base);
    Db bulk = Db.open(second, "db", roomyBulk());
    assertThat(bulk.get(b("w1"))).isEqualTo(b("wal"));
    bulk.put(b("x"), b("lost"), WriteOptions.noWait());
    crash(second, bulk);
    // 3. Another bulk loader flushes once: the replayed write goes into its table, and the anchor
    // moves to its own fence, which the next open replays from.
    CrashableStore third = new CrashableStore(base);
    List<String> walBefore = walKeys();
    bulk = Db.open(third, "db", roomyBulk());
    long fence = newestWalId(walBefore);
    assertThat(bulk.get(b("x"))).isNull();
    bulk.put(b("b"), b("bulk"), WriteOptions.noWait());
    bulk.flush();
    ManifestState state = latestState();
    assertThat(state.flushedWalId()).isEqualTo(fence);
    assertThat(state.nextWalId()).isEqualTo(fence + 1);
    assertThat(state.lastFlushedSeq()).isEqualTo(bulk.stats().lastSequence());
    assertThat(walKeys()).as("no WAL object since the fence").hasSize(walBefore.size() + 1);
    bulk.put(b("y"), b("lost"), WriteOptions.noWait());
    crash(third, bulk);
    // 4. A normal writer replays from the bulk loader's fence, and writes durably again.
    CrashableStore fourth = new CrashableStore(base);
    normal = Db.open(fourth, "db", DbOptions.builder().flushOnClose(false).build());
    assertThat(normal.get(b("w1"))).isEqualTo(b("wal"));
    assertThat(normal.get(b("b"))).isEqualTo(b("bulk"));
    assertThat(normal.get(b("y"))).isNull();
    normal.put(b("w2"), b("wal again"));
    crash(fourth, normal);
    // 5. Its WAL write is replayed on the chain that starts at the bulk loader's fence.
    try (Db last = Db.open(base, "db")) {
      assertThat(latestState().flushedWalId()).isEqualTo(fence);
      assertThat(last.get(b("w2"))).isEqualTo(b("wal again"));
      assertThat(last.get(b("w1"))).isEqualTo(b("wal"));
      assertThat(last.get(b("b"))).isEqualTo(b("bulk"));
      assertThat(last.get(b("x"))).isNull();
    }
  }

  @Test
  void statsAndOptionsSayWhatACrashWouldLose() {
    assertThat(roomyBulk().toString())
        .contains("bulk load (no WAL: a crash loses the writes since the last flush)");
    try (Db db = Db.open(base, "db", roomyBulk())) {
      for (int i = 0; i < 3; i++) {
        db.put(key(i), value(i), WriteOptions.noWait());
      }
      DbStats stats = db.stats();
      assertThat(stats.lastSequence()).isEqualTo(3);
      assertThat(stats.durableSequence()).isZero();
      assertThat(stats.toString())
          .contains("sequence 3, durable 0; bulk load: 3 operations not durable until the next");
      assertThat(db.get(key(1), ReadOptions.defaults().withDurableOnly(true))).isNull();
      db.flush();
      assertThat(db.stats().durableSequence()).isEqualTo(3);
      assertThat(db.stats().memtableFlushes()).isEqualTo(1);
      assertThat(db.stats().toString()).contains("bulk load: 0 operations not durable");
      assertThat(db.get(key(1), ReadOptions.defaults().withDurableOnly(true))).isEqualTo(value(1));
      // A reader in another process sees what the flush published.
      try (DbReader reader = DbReader.open(base, "db")) {
        assertThat(reader.get(key(2))).isEqualTo(value(2));
      }
    }
  }

  private static void crash(CrashableStore store, Db db) {
    store.crash();
    try {
      db.close();
    } catch (RuntimeException expected) {
      // A crashed process's store refuses the close's uploads.
    }
  }

  private ManifestState latestState() {
    return new ManifestStore(base, "db").readLatest().orElseThrow().state();
  }

  private List<String> walKeys() {
    return Futures.join(base.list("db/wal/")).stream().map(ObjectMeta::key).toList();
  }

  /** The id of the one WAL object not in {@code before}. */
  private long newestWalId(List<String> before) {
    List<String> added = walKeys().stream().filter(k -> !before.contains(k)).toList();
    assertThat(added).hasSize(1);
    String name = added.get(0).substring("db/wal/".length());
    return Long.parseLong(name.substring(0, name.indexOf('.')));
  }

  static byte[] key(int i) {
    return b(String.format("key%06d", i));
  }

  static byte[] value(int i) {
    return b("value-" + i + "-" + "x".repeat(i % 13));
  }
}
