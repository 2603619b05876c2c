package dev.shaledb.wal;

import static dev.shaledb.objectstore.Futures.join;
import static dev.shaledb.wal.TestWal.batch;
import static dev.shaledb.wal.TestWal.fence;
import static dev.shaledb.wal.TestWal.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.FencedException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.testing.stores.HookedObjectStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class WalGcTest {
  private final InMemoryObjectStore memory = new InMemoryObjectStore();

  private void put(long id, byte[] bytes) {
    join(memory.put(WalKeys.key("db", id), bytes, PutCondition.ifAbsent()));
  }

  private List<Long> deletable(long flushedWalId) {
    List<ObjectMeta> listing = join(memory.list(WalKeys.prefix("db")));
    listing = new java.util.ArrayList<>(listing);
    listing.add(new ObjectMeta("db/sst/x.sst", 500, "v", java.time.Instant.EPOCH));
    return WalGc.deletable("db", listing, flushedWalId, new WalReader(memory, "db")).stream()
        .map(m -> WalKeys.parseId("db", m.key()).orElseThrow())
        .toList();
  }

  @Test
  void keepsFencesOlderEpochLeftoversAndEverythingFromTheAnchorOn() {
    put(1, fence(1, 1));
    put(2, object(2, 1, 1, batch(1, "a")));
    put(3, fence(3, 2));
    put(4, object(4, 1, 2, batch(2, "late put of epoch 1")));
    put(5, object(5, 2, 3, batch(2, "b")));
    put(6, object(6, 2, 4, batch(3, "orphan of epoch 2")));
    put(7, object(7, 2, 5, batch(3, "c")));
    put(8, object(8, 2, 7, batch(4, "anchor")));
    put(9, object(9, 2, 8, batch(5, "d")));
    assertThat(deletable(8)).containsExactly(2L, 5L, 6L, 7L);
    assertThat(deletable(0)).isEmpty();
    assertThat(WalGc.isFence(join(memory.head(WalKeys.key("db", 3))))).isTrue();
    assertThat(WalGc.isFence(join(memory.head(WalKeys.key("db", 2))))).isFalse();
  }

  /**
   * The history the protocol property test found against "delete everything below the anchor but
   * fences": writer B's first put is delayed; meanwhile a fenced writer A's late object occupies
   * that id, so writer C fences above it, and the anchor moves past it. Deleting A's object would
   * let B's put land below the anchor and be acknowledged, yet never replayed.
   */
  @Test
  void anOlderEpochsLeftoverAtALiveWritersFrontierIsKept() throws Exception {
    HookedObjectStore hooked = new HookedObjectStore(memory);
    put(1, fence(1, 1)); // writer A, epoch 1
    WalWriter b = TestWal.openWalOnly(hooked, "db", 2, TestWal.options()); // fence at 2
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    hooked.setPutHook(
        HookedObjectStore.pauseFirst(k -> k.equals(WalKeys.key("db", 3)), reached, release));
    CompletableFuture<Long> stalled = b.append(batch(1, "b1"), true); // B's put at 3 stalls
    reached.await();
    put(3, object(3, 1, 1, batch(1, "A's late put"))); // A's late put lands at B's frontier
    WalWriter c = TestWal.openWalOnly(memory, "db", 3, TestWal.options()); // C fences at 4
    assertThat(join(c.append(batch(1, "c1"), true))).isEqualTo(5);

    // With the anchor at 5, id 3 must stay: it is what B's stalled put will collide with.
    assertThat(deletable(5)).doesNotContain(3L);
    for (long id : deletable(5)) {
      join(memory.delete(WalKeys.key("db", id)));
    }
    release.countDown();
    assertThatThrownBy(() -> join(stalled)).isInstanceOf(FencedException.class);
    b.close();
    c.close();
  }
}
