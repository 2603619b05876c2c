package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.FencedException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import org.junit.jupiter.api.Test;

/**
 * A second writer fences a bulk loader as it fences any writer: the loader touches the store only
 * to flush, so it learns of the fence at its next manifest publish, which fails; from then on it
 * accepts no write, its own reads drop what it never published, and its close says the writes are
 * lost. Nothing it loaded after the new writer opened is ever published.
 */
class BulkLoadFencingTest {
  private final InMemoryObjectStore base = new InMemoryObjectStore();

  /** As another process: the open may fence an instance this process has open. */
  private static DbOptions otherProcess(boolean bulk) {
    return DbOptions.builder()
        .memtableBytes(4 << 20)
        .bulkLoad(bulk)
        .allowInProcessTakeover(true)
        .build();
  }

  @Test
  void aFencedBulkLoaderFailsItsNextFlushAndPublishesNothingMore() {
    Db loader = Db.open(base, "db", otherProcess(true));
    loader.put(b("a"), b("flushed"), WriteOptions.noWait());
    loader.flush();
    loader.put(b("b"), b("unflushed"), WriteOptions.noWait());
    try (Db second = Db.open(base, "db", otherProcess(false))) {
      assertThat(second.get(b("a"))).isEqualTo(b("flushed"));
      assertThat(second.get(b("b"))).isNull();
      // Until it tries to publish, the loader cannot know: its writes are in memory only.
      loader.put(b("c"), b("unflushed"), WriteOptions.noWait());
      assertThatThrownBy(loader::flush)
          .isInstanceOf(FencedException.class)
          .hasMessageContaining("another writer");
      assertThatThrownBy(() -> loader.put(b("d"), b("refused"), WriteOptions.noWait()))
          .isInstanceOf(FencedException.class);
      assertThat(loader.get(b("a"))).isEqualTo(b("flushed"));
      assertThat(loader.get(b("b"))).as("never durable, so no longer visible").isNull();
      assertThat(loader.get(b("c"))).isNull();
      assertThatThrownBy(loader::close)
          .as("the close cannot publish b and c, and says so")
          .isInstanceOf(FencedException.class);
      second.put(b("e"), b("second"));
    }
    try (Db third = Db.open(base, "db")) {
      assertThat(Testing.keys(third.scan(null, null))).containsExactly("a", "e");
    }
  }

  @Test
  void aBulkLoaderFencedWhileItsFlushesRunInTheBackgroundStopsAcceptingWrites() {
    Db loader =
        Db.open(
            base,
            "db",
            DbModelPropertyTest.tinyOptions().toBuilder()
                .bulkLoad(true)
                .allowInProcessTakeover(true)
                .build());
    for (int i = 0; i < 200; i++) {
      loader.put(BulkLoadTest.key(i), BulkLoadTest.value(i), WriteOptions.noWait());
    }
    loader.flush();
    Db second = Db.open(base, "db", otherProcess(false));
    int refusedAt = -1;
    for (int i = 200; i < 100_000 && refusedAt < 0; i++) {
      try {
        loader.put(BulkLoadTest.key(i), BulkLoadTest.value(i), WriteOptions.noWait());
      } catch (FencedException e) {
        refusedAt = i;
      }
    }
    assertThat(refusedAt).as("a size-triggered flush met the fence").isPositive();
    assertThatThrownBy(loader::close).isInstanceOf(FencedException.class);
    second.close();
    try (Db third = Db.open(base, "db")) {
      for (int i = 0; i < refusedAt; i++) {
        assertThat(third.get(BulkLoadTest.key(i)))
            .as("key %d", i)
            .isEqualTo(i < 200 ? BulkLoadTest.value(i) : null);
      }
    }
  }
}
