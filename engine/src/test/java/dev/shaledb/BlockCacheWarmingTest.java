package dev.shaledb;

import static dev.shaledb.CompactionTest.key;
import static dev.shaledb.CompactionTest.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.RequestType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Tables this process writes go into the block cache, and replaced tables leave it. */
class BlockCacheWarmingTest {
  @Test
  void readsAfterFlushesAndCompactionsNeedNoBlockGets() throws Exception {
    DbOptions options = CompactionTest.options(CompactionTest.small().build());
    try (Db db = Db.open(new InMemoryObjectStore(), "db", options)) {
      for (int round = 0; round < 5; round++) {
        for (int k = 0; k < 1000; k++) {
          db.put(key(k), value(round, k), WriteOptions.noWait());
        }
      }
      db.engine().flushMemtables();
      assertThat(db.awaitCompactions(Duration.ofSeconds(30))).isTrue();
      assertThat(db.stats().compactions()).isPositive();
      long getsBefore = db.stats().objectStore().requests(RequestType.GET);
      for (int k = 0; k < 1000; k++) {
        assertThat(db.get(key(k))).isEqualTo(value(4, k));
      }
      DbStats after = db.stats();
      assertThat(after.cacheMisses()).as("every block was cached when written").isZero();
      // Opening each live table costs one suffix GET; no data block is fetched.
      assertThat(after.objectStore().requests(RequestType.GET) - getsBefore)
          .isLessThanOrEqualTo(liveTables(db));
      assertThat(after.cacheBytes()).as("replaced tables' blocks were dropped").isPositive();
    }
  }

  @Test
  void withoutABlockCacheNothingIsWarmed() {
    DbOptions options =
        CompactionTest.options(CompactionTest.small().build()).toBuilder()
            .blockCacheBytes(0)
            .build();
    try (Db db = Db.open(new InMemoryObjectStore(), "db", options)) {
      for (int k = 0; k < 1000; k++) {
        db.put(key(k), value(0, k), WriteOptions.noWait());
      }
      db.engine().flushMemtables();
      assertThat(db.get(key(7))).isEqualTo(value(0, 7));
      assertThat(db.stats().cacheBytes()).isZero();
    }
  }

  private static long liveTables(Db db) {
    return db.engine().manifestState().tableIds().size();
  }
}
