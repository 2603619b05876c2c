package dev.shaledb.wal;

import static dev.shaledb.objectstore.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.FencedException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.testing.stores.CountingObjectStore;
import dev.shaledb.testing.stores.CountingObjectStore.Op;
import dev.shaledb.testing.stores.HookedObjectStore;
import org.junit.jupiter.api.Test;

class WalFenceTest {
  private final InMemoryObjectStore memory = new InMemoryObjectStore();

  private void put(long id, byte[] bytes) {
    join(memory.put(WalKeys.key("db", id), bytes, PutCondition.ifAbsent()));
  }

  @Test
  void fenceGoesToTheFirstAbsentId() {
    WalFence fence = WalFence.place(memory, "db", 1, 1);
    assertThat(fence).isEqualTo(new WalFence(1, 1));
    put(2, TestWal.object(2, 1, 1, TestWal.batch(1, "a")));
    assertThat(WalFence.place(memory, "db", 2, 1).walId()).isEqualTo(3);
    WalObjectHeader header = new WalReader(memory, "db").readHeader(3).orElseThrow();
    assertThat(header.fence()).isTrue();
    assertThat(header.epoch()).isEqualTo(2);
  }

  @Test
  void longRunsAreSkippedWithOneList() {
    put(1, TestWal.fence(1, 1));
    for (long id = 2; id <= 50; id++) {
      put(id, TestWal.object(id, 1, id - 1, TestWal.batch(id, "k" + id)));
    }
    put(52, TestWal.object(52, 1, 51, TestWal.batch(52, "late"))); // beyond a hole at 51
    CountingObjectStore counting = new CountingObjectStore(memory);
    assertThat(WalFence.place(counting, "db", 2, 3).walId()).isEqualTo(51);
    assertThat(counting.count(Op.HEAD)).isEqualTo(2);
    assertThat(counting.count(Op.LIST)).isEqualTo(1);
  }

  @Test
  void anOlderObjectAtTheCandidateMovesTheFenceOn() {
    HookedObjectStore hooked = new HookedObjectStore(memory);
    // Between the probe and the put, a fenced writer's late object lands at the candidate.
    hooked.setPutHook(
        (key, data, condition, proceed) -> {
          hooked.setPutHook(null);
          put(1, TestWal.fence(1, 1));
          return proceed.get();
        });
    assertThat(WalFence.place(hooked, "db", 2, 1).walId()).isEqualTo(2);
  }

  @Test
  void aNewerObjectAtTheCandidateMeansFenced() {
    HookedObjectStore hooked = new HookedObjectStore(memory);
    hooked.setPutHook(
        (key, data, condition, proceed) -> {
          hooked.setPutHook(null);
          put(1, TestWal.fence(1, 5));
          return proceed.get();
        });
    assertThatThrownBy(() -> WalFence.place(hooked, "db", 2, 1))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("epoch 5");
  }

  @Test
  void ambiguousFencePutsAreResolved() {
    HookedObjectStore hooked = new HookedObjectStore(memory);
    hooked.setPutHook(HookedObjectStore.applyThenTimeOut(k -> true, 1));
    assertThat(WalFence.place(hooked, "db", 1, 1).walId()).isEqualTo(1);
    hooked.setPutHook(HookedObjectStore.timeOutWithoutApplying(k -> true, 3));
    assertThat(WalFence.place(hooked, "db", 2, 1).walId()).isEqualTo(2);
    assertThat(new WalReader(memory, "db").readHeader(2).orElseThrow().epoch()).isEqualTo(2);
  }

  @Test
  void argumentsAreChecked() {
    assertThatThrownBy(() -> WalFence.place(memory, "db", 1, 0)).hasMessageContaining("startId");
    assertThatThrownBy(() -> WalFence.place(null, "db", 1, 1)).hasMessage("store is null");
    assertThatThrownBy(() -> new WalFence(0, 1)).hasMessageContaining("epoch");
  }
}
