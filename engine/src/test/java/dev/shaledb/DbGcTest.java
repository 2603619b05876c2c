package dev.shaledb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.wal.WalGc;
import dev.shaledb.wal.WalKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Garbage collection and checkpoints through {@link Db}. */
class DbGcTest {
  private static final Duration MIN_AGE = Duration.ofMinutes(10);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryObjectStore store = new InMemoryObjectStore(clock);

  private static DbOptions options() {
    return DbOptions.builder()
        .gc(GcOptions.builder().minAge(MIN_AGE).interval(Duration.ZERO).build())
        .build();
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private List<ObjectMeta> wal() {
    return Futures.join(store.list(WalKeys.prefix("db")));
  }

  private ManifestState state(long id) {
    return new ManifestStore(store, "db").read(id).orElseThrow().state();
  }

  private void assertTablesExist(ManifestState state) {
    for (TableInfo t : state.l0()) {
      assertThat(Futures.join(store.head("db/sst/" + t.id() + ".sst")).size())
          .isEqualTo(t.sizeBytes());
    }
  }

  @Test
  void walObjectsBelowTheAnchorGoOnlyAfterMinAgeAndRecoveryStillWorks() {
    for (int round = 0; round < 3; round++) {
      try (Db db = Db.open(store, "db", options())) {
        for (int i = 0; i < 5; i++) {
          db.put(b("k" + round + i), b("v" + i));
        }
      } // close flushes: a table, and the anchor moves past this round's WAL objects
    }
    try (Db db = Db.open(store, "db", options())) {
      int before = wal().size();
      clock.advance(Duration.ofMinutes(1));
      assertThat(db.collectGarbage().walObjectsDeleted()).isZero();
      clock.advance(MIN_AGE);
      GcResult result = db.collectGarbage();
      assertThat(result.walObjectsDeleted()).isPositive();
      assertThat(result.manifestsRetired()).isPositive();
      assertThat(wal()).hasSize(before - result.walObjectsDeleted());
      // Every writer's fence survives.
      assertThat(wal().stream().filter(WalGc::isFence).count()).isEqualTo(4);
    }
    try (Db db = Db.open(store, "db", options())) {
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 5; i++) {
          assertThat(db.get(b("k" + round + i))).isEqualTo(b("v" + i));
        }
      }
    }
  }

  @Test
  void aCheckpointPinsAFlushedVersionThatSurvivesCollection() {
    try (Db db = Db.open(store, "db", options())) {
      db.put(b("a"), b("1"));
      db.put(b("b"), b("2"), WriteOptions.noWait());
      Checkpoint cp = db.createCheckpoint("before-migration", null);
      assertThat(cp.name()).isEqualTo("before-migration");
      assertThat(cp.expireAt()).isNull();
      ManifestState pinned = state(cp.manifestId());
      assertThat(pinned.lastFlushedSeq()).isEqualTo(2);
      assertThat(pinned.checkpoints()).contains(cp);
      assertThat(db.listCheckpoints()).containsExactly(cp);

      db.put(b("c"), b("3"));
      db.flush();
      clock.advance(Duration.ofHours(1));
      db.collectGarbage();
      assertTablesExist(state(cp.manifestId()));

      assertThat(db.deleteCheckpoint(cp.id())).isTrue();
      assertThat(db.deleteCheckpoint(cp.id())).isFalse();
      assertThat(db.listCheckpoints()).isEmpty();
      clock.advance(Duration.ofHours(1));
      db.collectGarbage();
      assertThat(new ManifestStore(store, "db").read(cp.manifestId())).isEmpty();
    }
  }

  @Test
  void withoutFlushFirstTheCheckpointHoldsOnlyWhatIsInTables() {
    try (Db db = Db.open(store, "db", options())) {
      db.put(b("a"), b("1"));
      Checkpoint cp = db.createCheckpoint("", Duration.ofMinutes(5), false);
      assertThat(state(cp.manifestId()).lastFlushedSeq()).isZero();
      assertThat(cp.expireAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
    }
  }

  @Test
  void theWritersCollectorRemovesExpiredCheckpoints() {
    try (Db db = Db.open(store, "db", options())) {
      db.put(b("a"), b("1"));
      Checkpoint shortLived = db.createCheckpoint("short", Duration.ofMinutes(5));
      Checkpoint forever = db.createCheckpoint("forever", null);
      clock.advance(Duration.ofMinutes(4));
      assertThat(db.collectGarbage().checkpointsRemoved()).isZero();
      clock.advance(Duration.ofMinutes(1));
      assertThat(db.listCheckpoints()).contains(shortLived); // listed until collected
      assertThat(db.collectGarbage().checkpointsRemoved()).isEqualTo(1);
      assertThat(db.listCheckpoints()).containsExactly(forever);
    }
  }

  @Test
  void periodicCollectionRunsOnTheDbSchedulerAndStopsOnClose() throws Exception {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2);
    scheduler.setRemoveOnCancelPolicy(true);
    try {
      DbOptions periodic =
          options().toBuilder()
              .scheduler(scheduler)
              .gc(GcOptions.builder().minAge(Duration.ZERO).interval(Duration.ofMillis(5)).build())
              .build();
      Db db = Db.open(store, "db", periodic);
      db.put(b("a"), b("1"));
      Checkpoint cp = db.createCheckpoint("x", Duration.ofMinutes(1));
      clock.advance(Duration.ofMinutes(2));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!db.listCheckpoints().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(db.listCheckpoints()).doesNotContain(cp);
      db.close();
      assertThat(scheduler.getQueue()).isEmpty();
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void argumentsAreCheckedBeforeAnyRequest() {
    try (Db db = Db.open(store, "db", options())) {
      assertThatThrownBy(() -> db.createCheckpoint(null, null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("name is null");
      assertThatThrownBy(() -> db.createCheckpoint("é".repeat(128), null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("checkpoint name is 256 UTF-8 bytes, more than 255");
      assertThatThrownBy(() -> db.createCheckpoint("x", Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("lifetime is not positive: PT0S");
      assertThatThrownBy(() -> db.createCheckpoint("x", Duration.ofSeconds(-1), false))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("lifetime is not positive: PT-1S");
      assertThatThrownBy(() -> db.createCheckpoint("x", Duration.ofDays(36_501)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "lifetime PT876024H is longer than 36500 days; use null for a checkpoint that"
                  + " never expires");
      assertThatThrownBy(() -> db.deleteCheckpoint(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("id is null");
      assertThat(db.listCheckpoints()).isEmpty();
      assertThat(db.createCheckpoint("é".repeat(127), Duration.ofDays(36_500)).name()).hasSize(127);
      assertThatThrownBy(() -> DbOptions.builder().gc(null).build())
          .isInstanceOf(NullPointerException.class)
          .hasMessage("gc is null");
    }
    Db closed = Db.open(store, "db", options());
    closed.close();
    assertThatThrownBy(closed::collectGarbage).isInstanceOf(DbClosedException.class);
    assertThatThrownBy(() -> closed.createCheckpoint("x", null))
        .isInstanceOf(DbClosedException.class);
    assertThatThrownBy(closed::listCheckpoints).isInstanceOf(DbClosedException.class);
    assertThatThrownBy(() -> closed.deleteCheckpoint(new UUID(1, 1)))
        .isInstanceOf(DbClosedException.class);
  }
}
