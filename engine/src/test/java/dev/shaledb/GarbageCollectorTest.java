package dev.shaledb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.DbNotFoundException;
import dev.shaledb.gc.Checkpoints;
import dev.shaledb.gc.GcService;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.FenceableManifest;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.PutCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The collection rules on manifests and tables, driven through the manifest API with fake table
 * objects (GC never reads a table) and a store clock that moves only when the test says.
 */
class GarbageCollectorTest {
  private static final Duration MIN_AGE = Duration.ofMinutes(10);
  private static final GcOptions OPTIONS =
      GcOptions.builder().minAge(MIN_AGE).interval(Duration.ZERO).build();

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryObjectStore store = new InMemoryObjectStore(clock);
  private final ManifestStore manifests = new ManifestStore(store, "db");

  // Ids of the engine's layout: the collector deletes only tables whose ids it could have issued.
  private static final String T1 = "00000000000100000000000000000001";
  private static final String T2 = "00000000000200000000000000000002";
  private static final String LEFTOVER = "00000000000300000000000000000003";

  private void upload(String id) {
    Futures.join(store.put("db/sst/" + id + ".sst", new byte[10], PutCondition.ifAbsent()));
  }

  private boolean exists(String key) {
    try {
      Futures.join(store.head(key));
      return true;
    } catch (ObjectNotFoundException | CompletionException e) {
      return false;
    }
  }

  private boolean tableExists(String id) {
    return exists("db/sst/" + id + ".sst");
  }

  private static TableInfo table(String id) {
    return new TableInfo(id, 10, "a".getBytes(UTF_8), "z".getBytes(UTF_8), 1, 2, 7);
  }

  /** Writer flushes t1 (v2), compactor opens (v3) and replaces it by t2 (v4). */
  private FenceableManifest flushThenCompact() {
    FenceableManifest writer = FenceableManifest.openWriter(manifests);
    upload(T1);
    writer.update(s -> s.toBuilder().addL0(table(T1)).build());
    FenceableManifest compactor = FenceableManifest.openCompactor(new ManifestStore(store, "db"));
    upload(T2);
    compactor.update(
        s -> s.toBuilder().l0(List.of()).sortedRuns(List.of(SortedRun.of(table(T2)))).build());
    return writer;
  }

  @Test
  void keepsEverythingWithinMinAgeAndCollectsItAfter() {
    flushThenCompact();
    try (GarbageCollector gc = GarbageCollector.open(store, "db", OPTIONS)) {
      clock.advance(Duration.ofMinutes(1));
      GcResult early = gc.run();
      assertThat(early.latestManifestId()).isEqualTo(4);
      assertThat(early.manifestsRetired()).isZero();
      assertThat(early.tablesDeleted()).isZero();
      assertThat(tableExists(T1)).isTrue();

      clock.advance(MIN_AGE);
      GcResult late = gc.run();
      assertThat(late.manifestsRetired()).isEqualTo(3);
      assertThat(late.tablesDeleted()).isEqualTo(1);
      assertThat(late.bytesDeleted()).isEqualTo(10);
      assertThat(late.requests()).isPositive();
      assertThat(tableExists(T1)).isFalse();
      assertThat(tableExists(T2)).isTrue();
      assertThat(manifests.read(3)).isEmpty();
      assertThat(manifests.read(4)).isPresent();
      // Retired keys stay (dense ids), as zero-byte objects.
      assertThat(exists(ManifestKeys.key("db", 1))).isTrue();
      assertThat(gc.manifestMark()).isEqualTo(3);

      GcResult again = gc.run();
      assertThat(again.manifestsRetired()).isZero();
      assertThat(again.tablesDeleted()).isZero();
    }
  }

  @Test
  void aVersionIsLiveUntilMinAgeAfterItsSuccessorAppeared() {
    FenceableManifest writer = FenceableManifest.openWriter(manifests); // v1
    upload(T1);
    writer.update(s -> s.toBuilder().addL0(table(T1)).build()); // v2 lists t1
    clock.advance(Duration.ofMinutes(30));
    // v3 drops t1 from the state (as a compaction would) only now.
    FenceableManifest compactor = FenceableManifest.openCompactor(new ManifestStore(store, "db"));
    compactor.update(s -> s.toBuilder().l0(List.of()).build()); // v4
    try (GarbageCollector gc = GarbageCollector.open(store, "db", OPTIONS)) {
      clock.advance(Duration.ofMinutes(5));
      GcResult result = gc.run();
      // v1 was superseded 35 minutes ago; v2 and v3 only 5 minutes ago, so t1 stays.
      assertThat(result.manifestsRetired()).isEqualTo(1);
      assertThat(tableExists(T1)).isTrue();
      clock.advance(MIN_AGE);
      assertThat(gc.run().tablesDeleted()).isEqualTo(1);
      assertThat(tableExists(T1)).isFalse();
    }
  }

  @Test
  void unpublishedTablesSurviveMinAgeThenGo() {
    FenceableManifest.openWriter(manifests);
    try (GarbageCollector gc = GarbageCollector.open(store, "db", OPTIONS)) {
      upload(LEFTOVER); // a compactor's output it never published
      clock.advance(MIN_AGE);
      assertThat(gc.run().tablesDeleted()).isZero(); // exactly minAge old: kept
      assertThat(tableExists(LEFTOVER)).isTrue();
      clock.advance(Duration.ofMillis(1));
      assertThat(gc.run().tablesDeleted()).isEqualTo(1);
      assertThat(tableExists(LEFTOVER)).isFalse();
    }
  }

  @Test
  void aCheckpointKeepsItsVersionAndTablesUntilDeleted() {
    FenceableManifest writer = FenceableManifest.openWriter(manifests);
    upload(T1);
    writer.update(s -> s.toBuilder().addL0(table(T1)).build()); // v2
    UUID id = new UUID(7, 7);
    long pinned = writer.addCheckpoint(id, null, "keep").id(); // v3 pins itself
    FenceableManifest compactor = FenceableManifest.openCompactor(new ManifestStore(store, "db"));
    upload(T2);
    compactor.update(
        s -> s.toBuilder().l0(List.of()).sortedRuns(List.of(SortedRun.of(table(T2)))).build());
    try (GarbageCollector gc = GarbageCollector.open(store, "db", OPTIONS)) {
      clock.advance(Duration.ofHours(1));
      GcResult result = gc.run();
      assertThat(result.manifestsRetired()).isEqualTo(3); // 1, 2 and 4; 3 is pinned, 5 latest
      assertThat(manifests.read(pinned)).isPresent();
      assertThat(tableExists(T1)).isTrue();
      assertThat(gc.manifestMark()).isEqualTo(4); // passed the pin, which it remembers

      writer.update(s -> s.toBuilder().checkpoints(List.of()).build());
      clock.advance(Duration.ofHours(1));
      GcResult after = gc.run();
      assertThat(manifests.read(pinned)).isEmpty();
      assertThat(after.tablesDeleted()).isEqualTo(1);
      assertThat(tableExists(T1)).isFalse();
      assertThat(tableExists(T2)).isTrue();
    }
  }

  @Test
  void anExpiredCheckpointProtectsNothingAndOnlyTheWriterRemovesIt() {
    FenceableManifest writer = FenceableManifest.openWriter(manifests);
    upload(T1);
    writer.update(s -> s.toBuilder().addL0(table(T1)).build());
    Instant expiry = clock.instant().plus(Duration.ofMinutes(20));
    long pinned = writer.addCheckpoint(new UUID(1, 1), expiry, "short").id();
    FenceableManifest compactor = FenceableManifest.openCompactor(new ManifestStore(store, "db"));
    compactor.update(s -> s.toBuilder().l0(List.of()).build());
    try (GarbageCollector gc = GarbageCollector.open(store, "db", OPTIONS)) {
      clock.advance(Duration.ofMinutes(15));
      gc.run();
      assertThat(tableExists(T1)).as("pinned until expiry").isTrue();
      clock.advance(Duration.ofMinutes(10));
      GcResult result = gc.run();
      assertThat(result.checkpointsRemoved()).isZero();
      assertThat(tableExists(T1)).isFalse();
      // The retire is refused while the expired checkpoint is listed.
      assertThat(manifests.read(pinned)).isPresent();
    }
    try (GcService writers =
        GcService.start(
            store,
            "db",
            OPTIONS,
            null,
            new Checkpoints(writer, store, "db", UUID::randomUUID, DbListener.NONE)::pruneExpired,
            DbListener.NONE,
            null)) {
      GcResult result = writers.run();
      assertThat(result.checkpointsRemoved()).isEqualTo(1);
      // Retiring v4 stamped it with a new lastModified, which makes v3 look superseded only then
      // (the safe direction); it goes once minAge has passed since.
      assertThat(manifests.read(pinned)).isPresent();
      clock.advance(MIN_AGE);
      writers.run();
      assertThat(manifests.readLatest().orElseThrow().state().checkpoints()).isEmpty();
      assertThat(manifests.read(pinned)).isEmpty();
    }
  }

  @Test
  void aNewCollectorStartsFromScratchAndAPathWithoutADatabaseIsRefused() {
    assertThatThrownBy(() -> GarbageCollector.open(store, "db", OPTIONS))
        .isInstanceOf(DbNotFoundException.class)
        .hasMessage("no database at path 'db': it has no manifest");
    assertThat(Futures.join(store.list(""))).as("not even the store probe").isEmpty();
    flushThenCompact();
    clock.advance(Duration.ofHours(1));
    try (GarbageCollector first = GarbageCollector.open(store, "db", OPTIONS)) {
      assertThat(first.run().manifestsRetired()).isEqualTo(3);
    }
    try (GarbageCollector second = GarbageCollector.open(store, "db", OPTIONS)) {
      GcResult result = second.run();
      assertThat(result.manifestsRetired()).isZero();
      assertThat(second.manifestMark()).isEqualTo(3);
    }
  }

  @Test
  void closedCollectorsRefuseToRunAndCloseIsIdempotent() {
    FenceableManifest.openWriter(manifests);
    GarbageCollector gc = GarbageCollector.open(store, "db", OPTIONS);
    gc.close();
    gc.close();
    assertThatThrownBy(gc::run)
        .isInstanceOf(DbClosedException.class)
        .hasMessageContaining("garbage collector");
  }

  @Test
  void periodicRunsUntilClosed() throws Exception {
    FenceableManifest.openWriter(manifests);
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    try {
      GcOptions fast = OPTIONS.toBuilder().interval(Duration.ofMillis(5)).build();
      GarbageCollector gc = GarbageCollector.open(store, "db", fast, scheduler);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (gc.lastResult().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(gc.lastResult()).isPresent();
      gc.close();
      GcResult last = gc.lastResult().orElseThrow();
      Thread.sleep(30);
      assertThat(gc.lastResult()).containsSame(last);
      assertThat(scheduler.getQueue()).isEmpty();
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void optionsAndArgumentsAreValidated() {
    assertThat(GcOptions.defaults().minAge()).isEqualTo(Duration.ofMinutes(15));
    assertThat(GcOptions.defaults().interval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(GcOptions.defaults().periodic()).isTrue();
    assertThatThrownBy(() -> GcOptions.builder().minAge(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minAge is negative: PT-1S");
    assertThatThrownBy(() -> GcOptions.builder().interval(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval is negative: PT-1S");
    assertThatThrownBy(() -> GcOptions.builder().minAge(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("minAge is null");
    assertThatThrownBy(() -> GarbageCollector.open(null, "db", OPTIONS))
        .hasMessage("store is null");
    assertThatThrownBy(() -> GarbageCollector.open(store, "db", null))
        .hasMessage("options is null");
    assertThatThrownBy(() -> GarbageCollector.open(store, "db", OPTIONS, null))
        .hasMessage("scheduler is null");
    assertThatThrownBy(() -> GarbageCollector.open(store, "/bad", OPTIONS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new Checkpoint(new UUID(0, 1), 1, null, "").isExpired(Instant.MAX)).isFalse();
  }
}
