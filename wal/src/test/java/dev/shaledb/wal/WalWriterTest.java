package dev.shaledb.wal;

import static dev.shaledb.objectstore.Futures.join;
import static dev.shaledb.wal.TestWal.batch;
import static dev.shaledb.wal.TestWal.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.FencedException;
import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.testing.stores.CountingObjectStore;
import dev.shaledb.testing.stores.CountingObjectStore.Op;
import dev.shaledb.testing.stores.HookedObjectStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WalWriterTest {
  private final InMemoryObjectStore memory = new InMemoryObjectStore();
  private final HookedObjectStore hooked = new HookedObjectStore(memory);
  private final CountingObjectStore counting = new CountingObjectStore(hooked);
  private final List<WalWriter> writers = new ArrayList<>();

  @AfterEach
  void closeWriters() {
    writers.forEach(WalWriter::close);
  }

  private WalWriter open(long epoch, WalWriterOptions options) {
    WalWriter w = TestWal.openWalOnly(counting, "db", epoch, options);
    writers.add(w);
    counting.reset();
    return w;
  }

  private static boolean isWal(String key) {
    return key.contains("/wal/");
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(1);
    }
  }

  private boolean exists(long id) {
    return memory.head(WalKeys.key("db", id)).handle((m, e) -> e == null).join();
  }

  @Test
  void aDurableAppendOnAnIdleWriterIsUploadedAtOnce() {
    WalWriter w = open(1, TestWal.options());
    for (int i = 1; i <= 5; i++) {
      assertThat(join(w.append(batch(i, "k" + i), true))).isEqualTo(1L + i);
    }
    assertThat(counting.count(Op.PUT)).isEqualTo(5);
    assertThat(w.durableWalId()).isEqualTo(6);
    assertThat(w.nextWalIdHint()).isEqualTo(7);
    assertThat(keys(TestWal.replayAll(memory, "db"))).containsExactly("k1", "k2", "k3", "k4", "k5");
  }

  @Test
  void appendsDuringAnInFlightPutShareTheNextObject() throws Exception {
    WalWriter w = open(1, TestWal.options().withMaxInFlight(1));
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    hooked.setPutHook(HookedObjectStore.pauseFirst(WalWriterTest::isWal, reached, release));
    CompletableFuture<Long> first = w.append(batch(1, "a"), true);
    reached.await();
    List<CompletableFuture<Long>> rest = new ArrayList<>();
    for (int i = 2; i <= 10; i++) {
      rest.add(w.append(batch(i, "k" + i), true));
    }
    assertThat(counting.count(Op.PUT)).isEqualTo(1);
    release.countDown();
    assertThat(join(first)).isEqualTo(2);
    for (CompletableFuture<Long> f : rest) {
      assertThat(join(f)).isEqualTo(3);
    }
    assertThat(counting.count(Op.PUT)).isEqualTo(2);
  }

  @Test
  void pipelinedPutsAreAcknowledgedInIdOrder() throws Exception {
    WalWriter w = open(1, TestWal.options().withMaxInFlight(2).withOverlapFraction(0));
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    hooked.setPutHook(HookedObjectStore.pauseFirst(WalWriterTest::isWal, reached, release));
    CompletableFuture<Long> first = w.append(batch(1, "a"), true);
    reached.await();
    CompletableFuture<Long> second = w.append(batch(2, "b"), true);
    await(() -> exists(3));
    Thread.sleep(20); // let the writer process the landing of id 3
    assertThat(second).isNotDone();
    assertThat(counting.count(Op.PUT)).isEqualTo(2);
    release.countDown();
    assertThat(join(first)).isEqualTo(2);
    assertThat(join(second)).isEqualTo(3);
  }

  @Test
  void objectsAreCutAtMaxObjectBytesButBatchesAreNeverSplit() {
    WalWriter w = open(1, TestWal.options().withMaxObjectBytes(1024).withMaxBufferedBytes(1 << 20));
    byte[] value = new byte[300];
    for (int i = 1; i <= 20; i++) {
      w.append(WalBatch.of(i, WalEntry.put(("k" + i).getBytes(), value)), false);
    }
    w.append(WalBatch.of(21, WalEntry.put("big".getBytes(), new byte[5000])), false);
    long last = join(w.flush());
    List<ObjectMeta> objects = join(memory.list(WalKeys.prefix("db")));
    assertThat(objects).hasSize((int) last);
    for (ObjectMeta m : objects.subList(1, objects.size() - 1)) {
      assertThat(m.size())
          .isLessThanOrEqualTo(1024)
          .isGreaterThan(WalObjectHeader.FENCE_OBJECT_SIZE);
    }
    assertThat(objects.get(objects.size() - 1).size()).isGreaterThan(5000);
    assertThat(TestWal.replayAll(memory, "db")).hasSize(21);
  }

  @Test
  void nonDurableBatchesWaitForADurableOne() {
    WalWriter w = open(1, TestWal.options());
    CompletableFuture<Long> lazy = w.append(batch(1, "lazy"), false);
    assertThat(counting.count(Op.PUT)).isZero();
    assertThat(lazy).isNotDone();
    CompletableFuture<Long> eager = w.append(batch(2, "eager"), true);
    assertThat(join(eager)).isEqualTo(join(lazy));
    assertThat(counting.count(Op.PUT)).isEqualTo(1);
  }

  @Test
  void flushIntervalUploadsNonDurableBatches() throws Exception {
    WalWriter w = open(1, TestWal.options().withFlushInterval(Duration.ofMillis(5)));
    assertThat(w.append(batch(1, "lazy"), false).get(10, TimeUnit.SECONDS)).isEqualTo(2);
  }

  @Test
  void flushMakesEverythingDurable() {
    WalWriter w = open(1, TestWal.options());
    assertThat(join(w.flush())).isEqualTo(1); // nothing appended: the fence
    List<CompletableFuture<Long>> lazy = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      lazy.add(w.append(batch(i, "k" + i), false));
    }
    assertThat(join(w.flush())).isEqualTo(2);
    assertThat(lazy).allMatch(CompletableFuture::isDone);
  }

  @Test
  void eachObjectIsWrittenInTheLowestVersionItsBatchesAllow() {
    WalWriter w = open(1, TestWal.options());
    WalEntry merge = WalEntry.merge("m".getBytes(), "+1".getBytes());
    assertThat(join(w.append(batch(1, "a"), true))).isEqualTo(2);
    assertThat(join(w.append(WalBatch.of(2, merge), true))).isEqualTo(3);
    assertThat(join(w.append(batch(3, "b"), true))).isEqualTo(4);
    // Cut into one object with a plain batch: the one batch that needs version 2 lifts it all.
    CompletableFuture<Long> plain = w.append(batch(4, "c"), false);
    w.append(WalBatch.of(5, WalEntry.put("e".getBytes(), "v".getBytes(), 99)), false);
    assertThat(join(w.flush())).isEqualTo(5);
    assertThat(join(plain)).isEqualTo(5);
    assertThat(List.of(2L, 3L, 4L, 5L).stream().map(this::versionAt)).containsExactly(1, 2, 1, 2);
    List<ReplayedBatch> replayed = TestWal.replayAll(memory, "db");
    assertThat(keys(replayed)).containsExactly("a", "m", "b", "c", "e");
    assertThat(replayed.get(1).batch().entries()).containsExactly(merge);
  }

  private int versionAt(long id) {
    return RawWal.version(join(memory.get(WalKeys.key("db", id))).data());
  }

  @Test
  void sequenceNumbersMustIncrease() {
    WalWriter w = open(1, TestWal.options());
    w.append(
        WalBatch.of(5, WalEntry.delete("a".getBytes()), WalEntry.delete("b".getBytes())), true);
    assertThatThrownBy(() -> w.append(batch(6, "c"), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not above the last seq 6");
    assertThatThrownBy(() -> w.append(null, true)).isInstanceOf(NullPointerException.class);
    assertThat(join(w.append(batch(7, "c"), true))).isEqualTo(3);
  }

  @Test
  void afterAFailureNothingMoreIsAcknowledged() {
    WalWriter w = open(1, TestWal.options());
    ObjectStoreException boom = new ObjectStoreException("injected 500", true);
    hooked.setPutHook(
        (key, data, condition, proceed) -> {
          hooked.setPutHook(null);
          return CompletableFuture.failedFuture(boom);
        });
    assertThatThrownBy(() -> join(w.append(batch(1, "a"), true))).isSameAs(boom);
    assertThatThrownBy(() -> join(w.append(batch(2, "b"), true))).isSameAs(boom);
    assertThatThrownBy(() -> join(w.flush())).isSameAs(boom);
    assertThat(counting.count(Op.PUT)).isEqualTo(1);
  }

  @Test
  void anObjectOfANewerEpochFencesTheWriterForGood() {
    WalWriter w = open(1, TestWal.options());
    join(w.append(batch(1, "a"), true));
    join(memory.put(WalKeys.key("db", 3), TestWal.fence(3, 2), PutCondition.ifAbsent()));
    assertThatThrownBy(() -> join(w.append(batch(2, "b"), true)))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("epoch 2");
    assertThatThrownBy(() -> join(w.append(batch(3, "c"), true)))
        .isInstanceOf(FencedException.class);
  }

  @Test
  void anOlderEpochsLateObjectIsSkipped() {
    WalWriter w = open(2, TestWal.options());
    join(
        memory.put(
            WalKeys.key("db", 2),
            TestWal.object(2, 1, 1, batch(1, "zombie")),
            PutCondition.ifAbsent()));
    assertThat(join(w.append(batch(1, "a"), true))).isEqualTo(3);
    assertThat(join(w.append(batch(2, "b"), true))).isEqualTo(4);
    assertThat(w.nextWalIdHint()).isEqualTo(5);
    assertThat(keys(TestWal.replayAll(memory, "db"))).containsExactly("a", "b");
  }

  @Test
  void aReplacedSegmentTakesEverythingIssuedAfterItAlong() throws Exception {
    WalWriter w = open(2, TestWal.options().withMaxInFlight(2));
    // A fenced writer's late object sits at id 2, where our first object goes; its rejection is
    // held back until our second object has landed at id 3, which thereby becomes an orphan.
    join(
        memory.put(
            WalKeys.key("db", 2),
            TestWal.object(2, 1, 1, batch(1, "zombie")),
            PutCondition.ifAbsent()));
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    hooked.setPutHook(
        HookedObjectStore.pauseFirst(k -> k.equals(WalKeys.key("db", 2)), reached, release));
    CompletableFuture<Long> x = w.append(batch(1, "x"), true);
    reached.await();
    CompletableFuture<Long> y = w.append(batch(2, "y"), true);
    await(() -> exists(3));
    release.countDown();
    assertThat(join(x)).isEqualTo(4);
    assertThat(join(y)).isEqualTo(5);
    WalReplay replay = new WalReader(memory, "db").replay(0, b -> {});
    assertThat(keys(TestWal.replayAll(memory, "db"))).containsExactly("x", "y");
    assertThat(replay.skippedObjects()).isEqualTo(2); // the zombie and the orphan
  }

  @Test
  void ambiguousPutsAreNeitherLostNorDuplicated() {
    WalWriter w = open(1, TestWal.options());
    hooked.setPutHook(HookedObjectStore.applyThenTimeOut(WalWriterTest::isWal, 1));
    assertThat(join(w.append(batch(1, "applied"), true))).isEqualTo(2);
    hooked.setPutHook(HookedObjectStore.timeOutWithoutApplying(WalWriterTest::isWal, 2));
    assertThat(join(w.append(batch(2, "retried"), true))).isEqualTo(3);
    assertThat(keys(TestWal.replayAll(memory, "db"))).containsExactly("applied", "retried");
  }

  @Test
  void unresolvableOutcomesFailTheWriter() {
    WalWriter w = open(1, TestWal.options());
    hooked.setPutHook(HookedObjectStore.timeOutWithoutApplying(WalWriterTest::isWal, 1000));
    assertThatThrownBy(() -> join(w.append(batch(1, "a"), true)))
        .isInstanceOf(OutcomeUnknownException.class);
  }

  @Test
  void closeUploadsPendingBatchesAndRefusesLaterOnes() {
    WalWriter w = open(1, TestWal.options());
    CompletableFuture<Long> lazy = w.append(batch(1, "lazy"), false);
    w.close();
    assertThat(join(lazy)).isEqualTo(2);
    assertThatThrownBy(() -> join(w.append(batch(2, "late"), true)))
        .isInstanceOf(DbClosedException.class);
    w.close();
  }

  @Test
  void closeGivesUpOnPutsThatDoNotFinish() throws Exception {
    WalWriter w = open(1, TestWal.options().withCloseTimeout(Duration.ofMillis(50)));
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    hooked.setPutHook(HookedObjectStore.pauseFirst(WalWriterTest::isWal, reached, release));
    CompletableFuture<Long> stuck = w.append(batch(1, "a"), true);
    reached.await();
    w.close();
    assertThatThrownBy(() -> join(stuck)).isInstanceOf(OutcomeUnknownException.class);
    release.countDown();
  }

  @Test
  void appendsBlockWhileTheBufferIsFull() throws Exception {
    WalWriter w = open(1, TestWal.options().withMaxObjectBytes(1024).withMaxBufferedBytes(1024));
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    hooked.setPutHook(HookedObjectStore.pauseFirst(WalWriterTest::isWal, reached, release));
    byte[] value = new byte[400];
    CompletableFuture<Long> first =
        w.append(WalBatch.of(1, WalEntry.put("a".getBytes(), value)), true);
    reached.await();
    w.append(WalBatch.of(2, WalEntry.put("b".getBytes(), value)), true);
    List<CompletableFuture<Long>> third = new ArrayList<>();
    Thread blocked =
        new Thread(
            () -> third.add(w.append(WalBatch.of(3, WalEntry.put("c".getBytes(), value)), true)));
    blocked.start();
    await(() -> blocked.getState() == Thread.State.WAITING);
    assertThat(third).isEmpty();
    release.countDown();
    blocked.join(10_000);
    assertThat(join(first)).isEqualTo(2);
    assertThat(join(third.get(0))).isGreaterThan(2);
  }
}
