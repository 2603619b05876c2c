package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.objectstore.InMemoryObjectStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link DbListener} on the write path, at checkpoints and in recovery: it hears each point in
 * order, and a listener that "crashes" the process there (kills its store and throws) leaves a
 * database that reopens with every acknowledged write and no half batch.
 */
class DbListenerTest {
  private final InMemoryObjectStore base = new InMemoryObjectStore();

  /** What a crash-testing listener throws. */
  static final class InjectedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedCrash(String where) {
      super("injected crash " + where);
    }
  }

  @Test
  void theDefaultListenerIsTheNoOpAndNullIsRefused() {
    assertThat(DbOptions.defaults().listener()).isSameAs(DbListener.NONE);
    assertThatThrownBy(() -> DbOptions.builder().listener(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("listener is null");
  }

  @Test
  void everyWriteIsToldBeforeAndAfterItsAcknowledgementAndOpenItsSteps() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    DbListener recording =
        new DbListener() {
          @Override
          public void beforeAcknowledge(long lastSeq, boolean durable) {
            events.add("before " + lastSeq + " " + durable);
          }

          @Override
          public void afterAcknowledge(long lastSeq, boolean durable) {
            events.add("after " + lastSeq + " " + durable);
          }

          @Override
          public void onRecoveryStep(RecoveryStep step) {
            events.add(step.name());
          }
        };
    try (Db db = Db.open(base, "db", DbOptions.builder().listener(recording).build())) {
      db.put(b("a"), b("1"));
      db.write(new WriteBatch().put(b("b"), b("2")).delete(b("a")), WriteOptions.noWait());
      db.writeAsync(new WriteBatch().put(b("c"), b("3"))).get(10, TimeUnit.SECONDS);
      // afterAcknowledge of an async write follows its completion, maybe on another thread.
      for (int i = 0; i < 100 && events.size() < 9; i++) {
        Thread.sleep(10);
      }
    }
    assertThat(events)
        .containsExactly(
            "EPOCH_RAISED",
            "WAL_FENCED",
            "WAL_REPLAYED",
            "before 1 true",
            "after 1 true",
            "before 3 false",
            "after 3 false",
            "before 4 true",
            "after 4 true");
  }

  @Test
  void aCrashBeforeAcknowledgingFailsTheWriteAndTheBatchReopensWhole() {
    CrashableStore store = new CrashableStore(base);
    AtomicInteger durableWrites = new AtomicInteger();
    DbListener crashing =
        new DbListener() {
          @Override
          public void beforeAcknowledge(long lastSeq, boolean durable) {
            if (durable && durableWrites.incrementAndGet() == 5) {
              store.crash();
              throw new InjectedCrash("before acknowledging " + lastSeq);
            }
          }
        };
    Db db =
        Db.open(
            store, "db", DbModelPropertyTest.tinyOptions().toBuilder().listener(crashing).build());
    for (int i = 0; i < 4; i++) {
      db.put(b("acked" + i), b("v" + i));
    }
    WriteBatch batch = new WriteBatch().put(b("x"), b("1")).put(b("y"), b("2")).delete(b("acked0"));
    assertThatThrownBy(() -> db.write(batch, WriteOptions.durable()))
        .isInstanceOf(InjectedCrash.class);
    assertThatThrownBy(() -> db.put(b("later"), b("z")))
        .as("the process is dead: its store refuses everything")
        .isInstanceOf(RuntimeException.class);
    closeDead(db);
    try (Db reopened = Db.open(base, "db", DbModelPropertyTest.tinyOptions())) {
      for (int i = 1; i < 4; i++) {
        assertThat(reopened.get(b("acked" + i))).isEqualTo(b("v" + i));
      }
      // The batch was durable before the crash, so all of it is back, never a part.
      assertThat(reopened.get(b("x"))).isEqualTo(b("1"));
      assertThat(reopened.get(b("y"))).isEqualTo(b("2"));
      assertThat(reopened.get(b("acked0"))).isNull();
      assertThat(reopened.get(b("later"))).isNull();
    }
  }

  @Test
  void aListenerThrowingBeforeAcknowledgingFailsOnlyThatCall() {
    AtomicInteger calls = new AtomicInteger();
    DbListener throwsOnce =
        new DbListener() {
          @Override
          public void beforeAcknowledge(long lastSeq, boolean durable) {
            int n = calls.incrementAndGet();
            if (n == 2 || n == 4) {
              throw new InjectedCrash("once");
            }
          }
        };
    try (Db db = Db.open(base, "db", DbOptions.builder().listener(throwsOnce).build())) {
      db.put(b("a"), b("1"));
      assertThatThrownBy(() -> db.put(b("b"), b("2"))).isInstanceOf(InjectedCrash.class);
      assertThat(db.get(b("b"))).as("applied, though not acknowledged").isEqualTo(b("2"));
      db.put(b("c"), b("3"));
      assertThatThrownBy(() -> db.writeAsync(new WriteBatch().put(b("d"), b("4"))).join())
          .hasCauseInstanceOf(InjectedCrash.class)
          .satisfies(e -> assertThat(calls.get()).isEqualTo(4));
    }
  }

  @Test
  void aCrashAfterAcknowledgingCannotFailTheWriteNorLoseIt() {
    CrashableStore store = new CrashableStore(base);
    DbListener crashing =
        new DbListener() {
          @Override
          public void afterAcknowledge(long lastSeq, boolean durable) {
            if (lastSeq == 3) {
              store.crash();
              throw new InjectedCrash("after acknowledging " + lastSeq);
            }
          }
        };
    Db db = Db.open(store, "db", DbOptions.builder().listener(crashing).build());
    db.put(b("a"), b("1"));
    db.put(b("b"), b("2"));
    db.write(new WriteBatch().put(b("c"), b("3")), WriteOptions.durable());
    assertThatThrownBy(() -> db.put(b("d"), b("4"))).isInstanceOf(RuntimeException.class);
    closeDead(db);
    try (Db reopened = Db.open(base, "db")) {
      assertThat(reopened.get(b("a"))).isEqualTo(b("1"));
      assertThat(reopened.get(b("b"))).isEqualTo(b("2"));
      assertThat(reopened.get(b("c"))).as("acknowledged just before the crash").isEqualTo(b("3"));
      assertThat(reopened.get(b("d"))).isNull();
    }
  }

  @Test
  void aCrashWhileACheckpointPublishesLeavesNoCheckpointAndEveryWrite() {
    CrashableStore store = new CrashableStore(base);
    List<String> names = new ArrayList<>();
    DbListener crashing =
        new DbListener() {
          @Override
          public void onCheckpointPublishing(String name) {
            names.add(name);
            if (name.equals("doomed")) {
              store.crash();
              throw new InjectedCrash("publishing checkpoint " + name);
            }
          }
        };
    Db db = Db.open(store, "db", DbOptions.builder().listener(crashing).build());
    db.put(b("a"), b("1"));
    db.createCheckpoint("kept", null);
    db.put(b("b"), b("2"), WriteOptions.noWait());
    assertThatThrownBy(() -> db.createCheckpoint("doomed", null)).isInstanceOf(InjectedCrash.class);
    assertThat(names).containsExactly("kept", "doomed");
    closeDead(db);
    try (Db reopened = Db.open(base, "db")) {
      assertThat(reopened.listCheckpoints()).extracting(c -> c.name()).containsExactly("kept");
      assertThat(reopened.get(b("a"))).isEqualTo(b("1"));
      // The checkpoint flushed the memtables before it died, so "b" is durable too.
      assertThat(reopened.get(b("b"))).isEqualTo(b("2"));
      assertThat(reopened.createCheckpoint("again", null).name()).isEqualTo("again");
    }
  }

  @ParameterizedTest
  @EnumSource(DbListener.RecoveryStep.class)
  void anOpenThatDiesAtARecoveryStepFailsAndTheNextOpenHasEveryWrite(
      DbListener.RecoveryStep failAt) {
    CrashableStore first = new CrashableStore(base);
    Db writer = Db.open(first, "db", DbModelPropertyTest.tinyOptions());
    for (int i = 0; i < 200; i++) {
      writer.put(b("k" + i), b("v" + i));
    }
    first.crash();
    closeDead(writer);

    CrashableStore second = new CrashableStore(base);
    List<DbListener.RecoveryStep> seen = new ArrayList<>();
    DbListener dying =
        new DbListener() {
          @Override
          public void onRecoveryStep(RecoveryStep step) {
            seen.add(step);
            if (step == failAt) {
              second.crash();
              throw new InjectedCrash("at " + step);
            }
          }
        };
    DbOptions options = DbModelPropertyTest.tinyOptions().toBuilder().listener(dying).build();
    assertThatThrownBy(() -> Db.open(second, "db", options)).isInstanceOf(InjectedCrash.class);
    assertThat(seen).endsWith(failAt).doesNotHaveDuplicates();
    assertThat(seen.size()).isEqualTo(failAt.ordinal() + 1);

    try (Db reopened = Db.open(base, "db", DbModelPropertyTest.tinyOptions())) {
      for (int i = 0; i < 200; i++) {
        assertThat(reopened.get(b("k" + i))).as("k%d", i).isEqualTo(b("v" + i));
      }
      reopened.put(b("after"), b("open"));
    }
    try (Db again = Db.open(base, "db")) {
      assertThat(again.get(b("after"))).isEqualTo(b("open"));
      assertThat(again.get(b("k199"))).isEqualTo(b("v199"));
    }
  }

  static void closeDead(Db db) {
    try {
      db.close();
    } catch (RuntimeException expected) {
      // A crashed process's store refuses the close's uploads.
    }
  }
}
