package dev.shaledb.wal;

import static dev.shaledb.objectstore.Futures.join;
import static dev.shaledb.wal.TestWal.batch;
import static dev.shaledb.wal.TestWal.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.FencedException;
import dev.shaledb.manifest.FenceableManifest;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.testing.stores.HookedObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Zombie writers and ambiguous writes, through the whole open protocol (manifest and WAL). */
class WalProtocolTest {
  private final InMemoryObjectStore memory = new InMemoryObjectStore();
  private final HookedObjectStore hooked = new HookedObjectStore(memory);
  private final List<WalWriter> writers = new ArrayList<>();

  @AfterEach
  void closeWriters() {
    writers.forEach(WalWriter::close);
  }

  private TestWal.Opened open(dev.shaledb.objectstore.ObjectStore store, WalWriterOptions options) {
    TestWal.Opened opened = TestWal.open(store, "db", options);
    writers.add(opened.writer());
    return opened;
  }

  private static boolean isWal(String key) {
    return key.contains("/wal/");
  }

  private List<String> recover() {
    TestWal.Opened reopened = open(memory, TestWal.options());
    return keys(reopened.replayed());
  }

  @Test
  void aPausedZombieIsFencedOnItsNextWalPutAndManifestUpdate() throws Exception {
    TestWal.Opened a = open(hooked, TestWal.options());
    join(a.writer().append(batch(1, "a1"), true));

    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    hooked.setPutHook(HookedObjectStore.pauseFirst(WalProtocolTest::isWal, reached, release));
    CompletableFuture<Long> a2 = a.writer().append(batch(2, "a2"), true);
    reached.await(); // A is stalled inside its WAL put

    TestWal.Opened b = open(memory, TestWal.options());
    assertThat(keys(b.replayed())).containsExactly("a1");
    join(b.writer().append(batch(b.replay().lastSeq() + 1, "b1"), true));

    release.countDown(); // A wakes up and tries to finish its put
    assertThatThrownBy(() -> join(a2)).isInstanceOf(FencedException.class);
    assertThatThrownBy(() -> join(a.writer().append(batch(3, "a3"), true)))
        .isInstanceOf(FencedException.class);
    assertThatThrownBy(() -> a.manifest().update(s -> s)).isInstanceOf(FencedException.class);

    assertThat(recover()).containsExactly("a1", "b1");
  }

  @Test
  void aZombieStalledBetweenEpochBumpAndFenceIsFencedByTheRecheck() {
    FenceableManifest a = FenceableManifest.openWriter(new ManifestStore(memory, "db"));
    ManifestState stateA = a.latest().state();

    TestWal.Opened b = open(memory, TestWal.options());
    join(b.writer().append(batch(1, "b1"), true));

    // A resumes: its fence lands after B's objects, with A's older epoch ...
    WalFence fenceA = WalFence.place(memory, "db", a.epoch(), stateA.nextWalId());
    assertThat(fenceA.walId()).isEqualTo(3);
    // ... and the epoch re-check stops A before it writes anything.
    assertThatThrownBy(a::refresh).isInstanceOf(FencedException.class);

    // B's next put meets A's late fence, skips it, and goes on.
    assertThat(join(b.writer().append(batch(2, "b2"), true))).isEqualTo(4);
    assertThat(recover()).containsExactly("b1", "b2");
  }

  @Test
  void aPipelinedZombieCannotAcknowledgeAnythingAboveTheFence() throws Exception {
    // Overlap at once: each append gets its own put, so two land above the stalled one.
    TestWal.Opened a = open(hooked, TestWal.options().withMaxInFlight(4).withOverlapFraction(0));
    join(a.writer().append(batch(1, "a1"), true));
    long stalledId = a.writer().nextWalIdHint();

    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    hooked.setPutHook(HookedObjectStore.pauseFirst(WalProtocolTest::isWal, reached, release));
    CompletableFuture<Long> a2 = a.writer().append(batch(2, "a2"), true);
    reached.await();
    // These land above the stalled id, but can only be acknowledged after it.
    CompletableFuture<Long> a3 = a.writer().append(batch(3, "a3"), true);
    CompletableFuture<Long> a4 = a.writer().append(batch(4, "a4"), true);
    WalWriterTest.await(
        () -> memory.head(WalKeys.key("db", stalledId + 2)).handle((m, e) -> e == null).join());

    TestWal.Opened b = open(memory, TestWal.options());
    assertThat(b.fence().walId()).isEqualTo(stalledId);
    assertThat(keys(b.replayed())).containsExactly("a1");
    assertThat(b.replay().skippedObjects()).isEqualTo(2);
    join(b.writer().append(batch(2, "b1"), true));

    release.countDown();
    for (CompletableFuture<Long> f : List.of(a2, a3, a4)) {
      assertThatThrownBy(() -> join(f)).isInstanceOf(FencedException.class);
    }
    assertThat(recover()).containsExactly("a1", "b1");
  }

  @Test
  void anAmbiguousWalPutThatLandedIsRecoveredExactlyOnce() {
    TestWal.Opened a = open(hooked, TestWal.options());
    hooked.setPutHook(HookedObjectStore.applyThenTimeOut(WalProtocolTest::isWal, 1));
    assertThat(join(a.writer().append(batch(1, "once"), true))).isEqualTo(2);
    // A crashes without closing; the next writer recovers the batch once.
    assertThat(recover()).containsExactly("once");
  }

  @Test
  void anAmbiguousWalPutIsRecoveredOnceEvenIfTheWriterCrashesBeforeResolvingIt() throws Exception {
    TestWal.Opened a = open(hooked, TestWal.options());
    CountDownLatch applied = new CountDownLatch(1);
    CompletableFuture<dev.shaledb.objectstore.ObjectMeta> never = new CompletableFuture<>();
    hooked.setPutHook(
        (key, data, condition, proceed) -> {
          hooked.setPutHook(null);
          join(proceed.get()); // applied, but the answer never comes back: A "crashes"
          applied.countDown();
          return never;
        });
    CompletableFuture<Long> pending = a.writer().append(batch(1, "maybe"), true);
    applied.await();
    assertThat(pending).isNotDone();
    assertThat(recover()).containsExactly("maybe");
    never.completeExceptionally(new IllegalStateException("crashed"));
  }

  @Test
  void anAmbiguousManifestPublishIsNeitherLostNorDoubled() {
    TestWal.Opened a = open(memory, TestWal.options());
    hooked.setPutHook(HookedObjectStore.applyThenTimeOut(k -> k.contains("/manifest/"), 1));
    FenceableManifest viaHook = FenceableManifest.openWriter(new ManifestStore(hooked, "db"));
    assertThat(viaHook.epoch()).isEqualTo(a.manifest().epoch() + 1);
    assertThat(new ManifestStore(memory, "db").readLatest().orElseThrow().id())
        .isEqualTo(viaHook.latest().id());
    assertThatThrownBy(() -> a.manifest().update(s -> s)).isInstanceOf(FencedException.class);
  }
}
