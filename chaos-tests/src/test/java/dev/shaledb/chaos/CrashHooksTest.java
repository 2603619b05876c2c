package dev.shaledb.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.Db;
import dev.shaledb.WriteOptions;
import dev.shaledb.objectstore.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine-hook crash points fire where they say, kill the process, and nowhere else. */
class CrashHooksTest {
  private final InMemoryObjectStore shared = new InMemoryObjectStore();
  private final Map<FaultKind, Long> faults = new EnumMap<>(FaultKind.class);

  private ChaosProcess open(CrashPoint point, int nth) {
    ChaosProcess.Spec spec =
        new ChaosProcess.Spec(1, FaultPlan.none(), 1, ChaosProcess.tinyOptions());
    return ChaosProcess.open(shared, "db", spec, b -> b.arm(point, nth), faults);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void beforeAckFailsTheNthDurableWriteOnly() {
    try (ChaosProcess p = open(CrashPoint.BEFORE_ACK, 3)) {
      Db db = p.db();
      db.put(b("a"), b("1"), WriteOptions.noWait());
      db.put(b("b"), b("2"));
      db.put(b("c"), b("3"));
      assertThat(p.isDead()).isFalse();
      assertThatThrownBy(() -> db.put(b("d"), b("4")))
          .isInstanceOf(CrashHooks.InjectedCrash.class)
          .hasMessageContaining("BEFORE_ACK");
      assertThat(p.isDead()).isTrue();
      assertThat(p.boundary().fired()).isEqualTo(CrashPoint.BEFORE_ACK);
    }
    try (Db reopened = Db.open(shared, "db")) {
      assertThat(reopened.get(b("d"))).as("durable before the crash").isEqualTo(b("4"));
    }
  }

  @Test
  void afterAckLetsTheWriteReturnAndKillsTheProcess() {
    try (ChaosProcess p = open(CrashPoint.AFTER_ACK, 2)) {
      Db db = p.db();
      db.put(b("a"), b("1"));
      db.put(b("b"), b("2"));
      assertThat(p.isDead()).isTrue();
      assertThat(p.boundary().fired()).isEqualTo(CrashPoint.AFTER_ACK);
      assertThatThrownBy(() -> db.put(b("c"), b("3"))).isInstanceOf(RuntimeException.class);
    }
    try (Db reopened = Db.open(shared, "db")) {
      assertThat(reopened.get(b("b"))).isEqualTo(b("2"));
      assertThat(reopened.get(b("c"))).isNull();
    }
  }

  @Test
  void duringCompactionFiresOnACompactionThread() throws Exception {
    try (ChaosProcess p = open(CrashPoint.DURING_COMPACTION, 1)) {
      Db db = p.db();
      for (int i = 0; i < 5000 && !p.isDead(); i++) {
        try {
          db.put(b("k" + (i % 300)), b("value-" + i), WriteOptions.noWait());
        } catch (RuntimeException dead) {
          break;
        }
      }
      for (int i = 0; i < 500 && !p.isDead(); i++) {
        Thread.sleep(10);
      }
      assertThat(p.boundary().fired()).isEqualTo(CrashPoint.DURING_COMPACTION);
      assertThat(p.compactionsPublished()).isZero();
    }
  }

  @Test
  void onlyEngineHookPointsFireAsHooks() {
    CrashPointStore store = new CrashPointStore(shared);
    store.arm(CrashPoint.DURING_GC, 2);
    assertThat(store.fireHook(CrashPoint.DURING_GC)).isFalse();
    assertThat(store.fireHook(CrashPoint.DURING_CHECKPOINT)).isFalse();
    assertThat(store.isCrashed()).isFalse();
    assertThat(store.fireHook(CrashPoint.DURING_GC)).isTrue();
    assertThat(store.isCrashed()).isTrue();
    assertThatThrownBy(() -> store.fireHook(CrashPoint.BEFORE_WAL_PUT))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
