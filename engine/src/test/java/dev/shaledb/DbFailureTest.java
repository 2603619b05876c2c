package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.FencedException;
import dev.shaledb.error.WriteStallException;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Crashes, fencing and memory pressure. */
class DbFailureTest {
  private final InMemoryObjectStore base = new InMemoryObjectStore();

  @Test
  void durableWritesSurviveACrashWithoutClose() {
    CrashableStore store = new CrashableStore(base);
    Db db = Db.open(store, "db", DbModelPropertyTest.tinyOptions());
    for (int i = 0; i < 300; i++) {
      db.put(b("key" + i), b("value" + i));
    }
    store.crash();
    closeDead(db);
    try (Db reopened = Db.open(base, "db", DbModelPropertyTest.tinyOptions())) {
      for (int i = 0; i < 300; i++) {
        assertThat(reopened.get(b("key" + i))).isEqualTo(b("value" + i));
      }
      DbStats stats = reopened.stats();
      assertThat(stats.l0Tables() + stats.sortedRuns())
          .as("the tiny memtable flushed tables")
          .isPositive();
    }
  }

  @Test
  void secondWriterFencesTheFirstAndLosesNothing() {
    Db first = Db.open(base, "db");
    first.put(b("a"), b("1"));
    // As if from another process: in this one, a second open is refused (DbOpenTwiceTest).
    DbOptions otherProcess = DbOptions.builder().allowInProcessTakeover(true).build();
    try (Db second = Db.open(base, "db", otherProcess)) {
      assertThat(second.get(b("a"))).isEqualTo(b("1"));
      assertThatThrownBy(() -> first.put(b("b"), b("2"))).isInstanceOf(FencedException.class);
      // Once fenced, always fenced, without another request.
      assertThatThrownBy(() -> first.put(b("c"), b("3")))
          .isInstanceOf(FencedException.class)
          .hasMessageContaining("another writer");
      assertThat(first.get(b("a"))).isEqualTo(b("1"));
      second.put(b("d"), b("4"));
      first.close();
      assertThat(second.get(b("b"))).isNull();
      assertThat(second.get(b("d"))).isEqualTo(b("4"));
    }
    try (Db third = Db.open(base, "db")) {
      assertThat(third.get(b("a"))).isEqualTo(b("1"));
      assertThat(third.get(b("d"))).isEqualTo(b("4"));
      assertThat(third.get(b("b"))).isNull();
    }
  }

  @Test
  void writesStallThenFailWhenFlushesCannotUpload() {
    StallingStore store = new StallingStore(base);
    DbOptions options =
        DbModelPropertyTest.tinyOptions().toBuilder()
            .maxUnflushedBytes(8192)
            .writeStallTimeout(Duration.ofMillis(200))
            .build();
    Db db = Db.open(store, "db", options);
    store.stallTables = true;
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 10_000; i++) {
                db.put(b("key" + i), new byte[100], WriteOptions.noWait());
              }
            })
        .isInstanceOf(WriteStallException.class)
        .hasMessageContaining("at the limit of 8192");
    assertThat(db.stats().writeStallNanos()).isGreaterThanOrEqualTo(200_000_000L);
    store.stallTables = false;
    store.release.complete(null);
    db.put(b("after"), b("stall"));
    db.close();
    try (Db reopened = Db.open(base, "db")) {
      assertThat(reopened.get(b("key0"))).isEqualTo(new byte[100]);
      assertThat(reopened.get(b("after"))).isEqualTo(b("stall"));
    }
  }

  private static void closeDead(Db db) {
    try {
      db.close();
    } catch (RuntimeException expected) {
      // A crashed process's store refuses the close's uploads.
    }
  }

  /** Holds table uploads until released, so memtables pile up. */
  private static final class StallingStore extends ForwardingObjectStore {
    volatile boolean stallTables;
    final CompletableFuture<Void> release = new CompletableFuture<>();

    StallingStore(InMemoryObjectStore delegate) {
      super(delegate);
    }

    @Override
    public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
      if (stallTables && key.contains("/sst/")) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        return release.thenCompose(x -> super.put(key, copy, condition));
      }
      return super.put(key, data, condition);
    }

    @Override
    public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
      return super.get(key, range);
    }

    @Override
    public void close() {}
  }
}
