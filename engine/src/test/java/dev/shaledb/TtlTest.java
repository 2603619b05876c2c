package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.objectstore.InMemoryObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Times to live through the public API, on an injected clock. */
class TtlTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T00:00:00Z"));

  private DbOptions options(Duration defaultTtl) {
    return CompactionTest.options(
            CompactionTest.small().expiryGrace(Duration.ofSeconds(10)).build())
        .toBuilder()
        .clock(clock)
        .defaultTtl(defaultTtl)
        .mergeOperator(MergeTest.COUNTER)
        .build();
  }

  @Test
  void anExpiredValueReadsAsDeletedEverywhereAndNoOlderValueShowsThrough() throws Exception {
    try (Db db = Db.open(store, "db", options(null))) {
      db.put(b("k"), b("old"));
      db.engine().flushMemtables();
      db.put(b("k"), b("new"), Duration.ofSeconds(60));
      db.put(b("j"), b("stays"));
      assertThat(db.get(b("k"))).asString().isEqualTo("new");
      clock.advance(Duration.ofSeconds(59));
      assertThat(db.get(b("k"))).asString().isEqualTo("new");
      clock.advance(Duration.ofSeconds(1));
      assertThat(db.get(b("k"))).isNull();
      assertThat(db.multiGet(List.of(b("k"), b("j")))).containsExactly(null, b("stays"));
      assertThat(MergeTest.values(db.scan(null, null))).containsExactly("j=stays");
      assertThat(MergeTest.values(db.scanReverse(null, null))).containsExactly("j=stays");
      db.engine().flushMemtables();
      assertThat(db.get(b("k"))).isNull();
    }
  }

  @Test
  void compactionDropsExpiredValuesOnlyAfterTheGraceAndNothingComesBack() throws Exception {
    try (Db db = Db.open(store, "db", options(Duration.ofMinutes(1)))) {
      for (int i = 0; i < 300; i++) {
        db.put(b("old" + i), b("v"), ChronoUnit.FOREVER.getDuration());
      }
      db.engine().flushMemtables();
      for (int i = 0; i < 300; i++) {
        db.put(b("old" + i), b("short"), WriteOptions.noWait()); // the default: one minute
      }
      db.engine().flushMemtables();
      clock.advance(Duration.ofMinutes(2));
      long before = db.stats().tableBytes();
      for (int round = 0; round < 4; round++) {
        db.put(b("pad" + round), b("x"));
        db.engine().flushMemtables();
      }
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      for (int i = 0; i < 300; i++) {
        assertThat(db.get(b("old" + i))).as("old%d", i).isNull();
      }
      assertThat(db.stats().tableBytes()).isLessThan(before);
    }
  }

  @Test
  void anExpiredOperandEndsItsChainLikeADelete() {
    try (Db db = Db.open(store, "db", options(null))) {
      db.put(b("c"), MergeTest.n(100));
      db.write(new WriteBatch().merge(b("c"), MergeTest.n(1), Duration.ofSeconds(5)));
      db.merge(b("c"), MergeTest.n(2));
      assertThat(MergeTest.n(db.get(b("c")))).isEqualTo(103);
      clock.advance(Duration.ofSeconds(5));
      assertThat(MergeTest.n(db.get(b("c")))).isEqualTo(2);
    }
  }

  @Test
  void aBadTtlIsRefusedAndNothingIsWritten() {
    try (Db db = Db.open(store, "db", options(null))) {
      assertThatThrownBy(() -> db.put(b("k"), b("v"), Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("ttl is not positive: PT0S");
      assertThatThrownBy(() -> db.put(b("k"), b("v"), Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(db.get(b("k"))).isNull();
    }
    assertThatThrownBy(() -> DbOptions.builder().defaultTtl(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaultTtl is not positive: PT0S");
  }

  @Test
  void snapshotsDoNotStopTime() {
    try (Db db = Db.open(store, "db", options(null))) {
      db.put(b("k"), b("v"), Duration.ofSeconds(1));
      try (Snapshot s = db.snapshot()) {
        ReadOptions at = ReadOptions.defaults().withSnapshot(s);
        assertThat(db.get(b("k"), at)).isNotNull();
        clock.advance(Duration.ofSeconds(1));
        assertThat(db.get(b("k"), at)).isNull();
      }
    }
  }

  @Test
  void aStandaloneCompactorDecidesExpiryByTheClockItIsGiven() throws Exception {
    // Far ahead of the system clock, so that only the injected clocks can expire anything.
    ManualClock writerClock = new ManualClock(Instant.parse("2040-01-01T00:00:00Z"));
    DbOptions writer =
        CompactionTest.options(CompactionTest.small().enabled(false).build()).toBuilder()
            .clock(writerClock)
            .build();
    try (Db db = Db.open(store, "db", writer)) {
      for (int t = 0; t < 4; t++) {
        db.put(b("k" + t), b("v"), Duration.ofMinutes(1));
        db.engine().flushMemtables();
      }
    }
    ManualClock later = new ManualClock(Instant.parse("2040-01-01T00:05:00Z"));
    CompactionOptions compaction =
        CompactionTest.small().expiryGrace(Duration.ofMinutes(1)).clock(later).build();
    DbReaderOptions atWriteTime =
        DbReaderOptions.builder().pollInterval(Duration.ZERO).clock(writerClock).build();
    try (DbReader reader = DbReader.open(store, "db", atWriteTime)) {
      assertThat(reader.get(b("k0"))).as("not expired by the reader's clock").isNotNull();
    }
    try (Compactor compactor = Compactor.open(store, "db", compaction)) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!new dev.shaledb.manifest.ManifestStore(store, "db")
          .readLatest()
          .orElseThrow()
          .state()
          .l0()
          .isEmpty()) {
        assertThat(compactor.isFenced()).isFalse();
        assertThat(System.nanoTime()).as("compacted in time").isLessThan(deadline);
        Thread.sleep(20);
      }
    }
    try (DbReader reader = DbReader.open(store, "db", atWriteTime)) {
      for (int t = 0; t < 4; t++) {
        assertThat(reader.get(b("k" + t))).as("dropped by the compactor's clock").isNull();
      }
    }
  }

  @Test
  void aDatabaseAndItsCompactionHaveOneClock() {
    ManualClock other = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    assertThatThrownBy(
            () ->
                DbOptions.builder()
                    .clock(clock)
                    .compaction(CompactionOptions.builder().clock(other).build())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different clocks");
    DbOptions o = DbOptions.builder().clock(clock).build();
    assertThat(o.compaction().clock()).isSameAs(clock);
    // Changing the clock through toBuilder moves the compaction's along with it.
    DbOptions moved = o.toBuilder().clock(other).build();
    assertThat(moved.compaction().clock()).isSameAs(other);
  }
}
