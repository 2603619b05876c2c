package dev.shaledb;

import static dev.shaledb.CompactionTest.key;
import static dev.shaledb.CompactionTest.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.RequestType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Tables this process flushes go into the block cache when {@link
 * DbOptions#warmBlockCacheOnFlush()} says so, compaction outputs when {@link
 * CompactionOptions#warmBlockCache()} does, and replaced tables leave it. By default neither.
 */
class BlockCacheWarmingTest {
  @Test
  void readsAfterFlushesAndCompactionsNeedNoBlockGets() throws Exception {
    DbOptions options =
        CompactionTest.options(CompactionTest.small().warmBlockCache(true).build()).toBuilder()
            .warmBlockCacheOnFlush(true)
            .build();
    try (Db db = Db.open(new InMemoryObjectStore(), "db", options)) {
      writeAndFlush(db, 5);
      assertThat(db.awaitCompactions(Duration.ofSeconds(30))).isTrue();
      assertThat(db.stats().compactions()).isPositive();
      long getsBefore = db.stats().objectStore().requests(RequestType.GET);
      readsSee(db, 4);
      DbStats after = db.stats();
      assertThat(after.cacheMisses()).as("every block was cached when written").isZero();
      // Opening each live table costs one suffix GET; no data block is fetched.
      assertThat(after.objectStore().requests(RequestType.GET) - getsBefore)
          .isLessThanOrEqualTo(liveTables(db));
      assertThat(after.cacheBytes()).as("replaced tables' blocks were dropped").isPositive();
    }
  }

  @Test
  void flushWarmingAloneCachesEveryFlushedTable() {
    // No compaction: every table read is a flushed one (with it, a merge may run mid-load).
    DbOptions options =
        CompactionTest.options(CompactionTest.small().enabled(false).build()).toBuilder()
            .warmBlockCacheOnFlush(true)
            .build();
    try (Db db = Db.open(new InMemoryObjectStore(), "db", options)) {
      writeAndFlush(db, 1);
      readsSee(db, 0);
      assertThat(db.stats().cacheMisses()).as("flushed tables were cached when written").isZero();
    }
  }

  @Test
  void flushWarmingLeavesCompactionOutputsCold() throws Exception {
    DbOptions options =
        CompactionTest.options(CompactionTest.small().build()).toBuilder()
            .warmBlockCacheOnFlush(true)
            .build();
    assertThat(options.compaction().warmBlockCache()).isFalse();
    try (Db db = Db.open(new InMemoryObjectStore(), "db", options)) {
      writeAndFlush(db, 5);
      assertThat(db.awaitCompactions(Duration.ofSeconds(30))).isTrue();
      assertThat(db.stats().compactions()).isPositive();
      long missesBefore = db.stats().cacheMisses();
      readsSee(db, 4);
      assertThat(db.stats().cacheMisses() - missesBefore)
          .as("compaction outputs were not cached when written")
          .isPositive();
    }
  }

  @Test
  void byDefaultFlushedTablesAreNotWarmed() {
    DbOptions options = CompactionTest.options(CompactionTest.small().build());
    assertThat(options.warmBlockCacheOnFlush()).isFalse();
    try (Db db = Db.open(new InMemoryObjectStore(), "db", options)) {
      writeAndFlush(db, 1);
      assertThat(db.stats().cacheBytes()).isZero();
      assertThat(db.get(key(7))).isEqualTo(value(0, 7));
      assertThat(db.stats().cacheMisses()).as("the read loaded its block").isPositive();
    }
  }

  @Test
  void withoutABlockCacheNothingIsWarmed() {
    DbOptions options =
        CompactionTest.options(CompactionTest.small().warmBlockCache(true).build()).toBuilder()
            .blockCacheBytes(0)
            .warmBlockCacheOnFlush(true)
            .build();
    try (Db db = Db.open(new InMemoryObjectStore(), "db", options)) {
      writeAndFlush(db, 1);
      assertThat(db.get(key(7))).isEqualTo(value(0, 7));
      assertThat(db.stats().cacheBytes()).isZero();
    }
  }

  /** Writes keys 0..999 in {@code rounds} rounds (each overwriting the last), then flushes. */
  private static void writeAndFlush(Db db, int rounds) {
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < 1000; k++) {
        db.put(key(k), value(round, k), WriteOptions.noWait());
      }
    }
    db.engine().flushMemtables();
  }

  /** Every key reads as written in {@code round}. */
  private static void readsSee(Db db, int round) {
    for (int k = 0; k < 1000; k++) {
      assertThat(db.get(key(k))).isEqualTo(value(round, k));
    }
  }

  private static long liveTables(Db db) {
    return db.engine().manifestState().tableIds().size();
  }
}
