package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.objectstore.ObjectStoreMetrics.TypeMetrics;
import dev.shaledb.objectstore.RequestType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What statistics and options say of themselves (one readable line, units, only what applies), and
 * that the not-found answers an open expects are not counted as failures.
 */
class StatsDescriptionTest {
  private static final ObjectStoreMetrics STORE =
      new ObjectStoreMetrics(
          Map.of(
              RequestType.PUT, new TypeMetrics(3, 0, 0, 1, 0, 0, 0),
              RequestType.GET, new TypeMetrics(8, 1, 2, 0, 0, 0, 0),
              RequestType.HEAD, new TypeMetrics(1, 0, 1, 0, 0, 0, 0)),
          1536,
          4096);

  @Test
  void dbStatsReadAsOneLineWithUnitsAndWithoutWhatDidNotHappen() {
    DbStats stats =
        new DbStats(
            10, 1, 4, 2048, 5, 1, 11, 11, 1024, 0, 1024, 2, 1, 0, 3 << 20, 3 << 20, 0, 0, 0, 0, 7,
            2, 65536, 850, 1200, 2_500_000, STORE, 0, null, 0, 0, 0, 0, 0, 0, 0, false);
    assertThat(stats.toString())
        .isEqualTo(
            "DbStats{writes: 4 batches (10 puts, 1 delete), 2 KiB; reads: 5 gets, 1 scan;"
                + " sequence 11, durable 11; memtables: 1 KiB active, 1 KiB unflushed, 0 frozen;"
                + " 2 memtable flushes (3 MiB); tables: 1 in L0, 0 sorted runs, 3 MiB;"
                + " durable ack p50 850 us, p99 1.2 ms, p99.9 2.5 s;"
                + " block cache: 7 hits, 2 misses, 64 KiB;"
                + " store: 12 requests (3 PUT, 8 GET, 1 HEAD), 3 not found, 1 condition failed, 1 failed, 1.5 KiB up,"
                + " 4 KiB down}");
    assertThat(stats.memtableFlushes()).isEqualTo(2);
  }

  @Test
  void dbStatsShowWhatHappenedOnlyWhenItDid() {
    DbStats stats =
        new DbStats(
            0,
            0,
            3,
            10,
            0,
            0,
            3,
            2,
            0,
            1,
            10,
            0,
            0,
            2,
            100,
            0,
            5_000_000,
            1,
            4096,
            2048,
            0,
            0,
            0,
            0,
            0,
            0,
            STORE,
            2,
            "flush: upload: boom",
            1,
            3,
            4,
            8192,
            1,
            2,
            1,
            true);
    assertThat(stats.toString())
        .contains("writes: 3 batches (0 puts, 0 deletes, 2 merges, 1 range delete), 10 B")
        .contains("0 memtable flushes;")
        .contains("1 compaction (read 4 KiB, wrote 2 KiB)")
        .contains("write stalls 5.0 ms")
        .contains("disk cache: 3 hits, 4 misses, 8 KiB, 1 damaged")
        .contains("background: 2 failures, last: flush: upload: boom")
        .contains("1 condemned upload")
        .contains("sequence 3, durable 2; bulk load: 1 operation not durable until the next flush")
        .doesNotContain("durable ack");
  }

  @Test
  @SuppressWarnings("removal")
  void theOldFlushesAccessorStillAnswers() {
    DbStats stats =
        new DbStats(
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, STORE, 0,
            null, 0, 0, 0, 0, 0, 0, 0, false);
    assertThat(stats.flushes()).isEqualTo(5);
  }

  @Test
  void readerStatsReadAsOneLine() {
    DbReaderStats stats =
        new DbReaderStats(
            7,
            120,
            9,
            2048,
            30,
            2,
            1,
            14,
            0,
            3,
            5,
            Instant.parse("2026-01-02T03:04:05Z"),
            40,
            2,
            35,
            5,
            1 << 20,
            STORE,
            0,
            0,
            0,
            0);
    assertThat(stats.toString())
        .isEqualTo(
            "DbReaderStats{manifest 7, sequence 120; next WAL 9; memtable: 2 KiB, 30 versions;"
                + " 2 tables in L0, 1 sorted run; refreshes: 14, 3 manifest switches,"
                + " 5 WAL objects applied, last at 2026-01-02T03:04:05Z; reads: 40 gets, 2 scans;"
                + " block cache: 35 hits, 5 misses, 1 MiB;"
                + " store: 12 requests (3 PUT, 8 GET, 1 HEAD), 3 not found, 1 condition failed, 1 failed, 1.5 KiB up,"
                + " 4 KiB down}");
  }

  @Test
  void optionsReadAsOneLineNamingOnlyWhatWasSet() {
    assertThat(DbOptions.defaults().toString())
        .isEqualTo(
            "DbOptions{memtable 64 MiB, unflushed at most 256 MiB, write stall timeout 30 s;"
                + " block cache 256 MiB, disk cache off; compaction here, gc every 1 min keeping"
                + " 15 min}");
    DbOptions changed =
        DbOptions.builder()
            .memtableBytes(1536)
            .maxUnflushedBytes(1 << 20)
            .blockCacheBytes(0)
            .diskCache(Path.of("/var/cache/shaledb"), 10L << 30)
            .compaction(CompactionOptions.disabled())
            .gc(GcOptions.builder().interval(Duration.ZERO).minAge(Duration.ofMinutes(90)).build())
            .flushOnClose(false)
            .defaultTtl(Duration.ofDays(7))
            .allowForeignObjects(true)
            .build();
    assertThat(changed.toString())
        .isEqualTo(
            "DbOptions{memtable 1.5 KiB, unflushed at most 1 MiB, write stall timeout 30 s;"
                + " block cache off, disk cache 10 GiB in /var/cache/shaledb;"
                + " compaction elsewhere, gc on demand keeping 1 h 30 min; no flush on close;"
                + " default ttl 7 d; foreign objects allowed}");
  }

  @Test
  void theNotFoundAnswersOfAnOpenAreNotFailures() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    try (Db db = Db.open(store, "db")) {
      db.put(b("k"), b("v"));
      db.engine().flushMemtables();
      ObjectStoreMetrics metrics = db.stats().objectStore();
      assertThat(metrics.totalNotFound()).as("looking for the latest manifest").isPositive();
      assertThat(metrics.totalFailures()).isZero();
      assertThat(db.stats().memtableFlushes()).isEqualTo(1);
      assertThat(db.stats().toString()).contains("1 memtable flush (").contains(" 0 failed");
    }
  }
}
