package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.DbException;
import dev.shaledb.objectstore.DelayedObjectStore;
import dev.shaledb.objectstore.InMemoryObjectStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Db#writeAsync}: many durable writes in flight from one thread. */
class DbAsyncWriteTest {
  private final InMemoryObjectStore base = new InMemoryObjectStore();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void manyInFlightWritesShareWalUploadsAndSurviveACrash() {
    DelayedObjectStore slow =
        new DelayedObjectStore(base, timer, Duration.ofMillis(20), Duration.ZERO);
    CrashableStore store = new CrashableStore(slow);
    Db db = Db.open(store, "db");
    long putsBefore = slow.putCount();
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      futures.add(db.writeAsync(new WriteBatch().put(b("k" + i), b("v" + i))));
      assertThat(db.get(b("k" + i))).as("visible at once").isEqualTo(b("v" + i));
    }
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
    assertThat(slow.putCount() - putsBefore)
        .as("WAL PUTs for 500 durable writes issued by one thread")
        .isLessThan(50);
    store.crash();
    try {
      db.close();
    } catch (RuntimeException expected) {
      // the "process" is dead
    }
    try (Db reopened = Db.open(base, "db")) {
      for (int i = 0; i < 500; i++) {
        assertThat(reopened.get(b("k" + i))).isEqualTo(b("v" + i));
      }
    }
  }

  @Test
  void aFailedUploadFailsTheFutureAndEveryLaterWrite() {
    CrashableStore store = new CrashableStore(base);
    Db db = Db.open(store, "db");
    store.crash();
    CompletableFuture<Void> f = db.writeAsync(new WriteBatch().put(b("a"), b("1")));
    assertThatThrownBy(f::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(DbException.class);
    assertThatThrownBy(() -> db.put(b("b"), b("2"))).isInstanceOf(DbException.class);
    assertThatThrownBy(() -> db.writeAsync(null)).isInstanceOf(NullPointerException.class);
    try {
      db.close();
    } catch (RuntimeException expected) {
      // the store is dead
    }
  }
}
