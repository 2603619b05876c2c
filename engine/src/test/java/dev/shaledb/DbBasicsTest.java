package dev.shaledb;

import static dev.shaledb.Testing.b;
import static dev.shaledb.Testing.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class DbBasicsTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  @Test
  void putGetDeleteAndBatch() {
    try (Db db = Db.open(store)) {
      assertThat(db.get(b("a"))).isNull();
      db.put(b("a"), b("1"));
      db.put(b("b"), b("2"));
      assertThat(db.get(b("a"))).isEqualTo(b("1"));
      db.delete(b("a"));
      assertThat(db.get(b("a"))).isNull();
      db.write(new WriteBatch().put(b("c"), b("3")).delete(b("b")).put(b("c"), b("4")));
      assertThat(db.get(b("b"))).isNull();
      assertThat(db.get(b("c"))).isEqualTo(b("4"));
      assertThat(db.stats().puts()).isEqualTo(4);
      assertThat(db.stats().deletes()).isEqualTo(2);
    }
  }

  @Test
  void scansHonorBoundsDeletesAndPrefixes() {
    try (Db db = Db.open(store, "db")) {
      for (String k : List.of("a", "ab", "abc", "b", "ba", "c")) {
        db.put(b(k), b(k), WriteOptions.noWait());
      }
      db.delete(b("ba"));
      assertThat(keys(db.scan(null, null))).containsExactly("a", "ab", "abc", "b", "c");
      assertThat(keys(db.scan(b("ab"), b("b")))).containsExactly("ab", "abc");
      assertThat(keys(db.scanPrefix(b("a")))).containsExactly("a", "ab", "abc");
      assertThat(keys(db.scanPrefix(b("b")))).containsExactly("b");
      assertThat(keys(db.scan(b("z"), null))).isEmpty();
    }
  }

  @Test
  void reopenSeesEverythingAfterCleanClose() {
    try (Db db = Db.open(store, "db")) {
      db.put(b("k"), b("v"), WriteOptions.noWait());
    }
    try (Db db = Db.open(store, "db")) {
      assertThat(db.get(b("k"))).isEqualTo(b("v"));
      assertThat(db.stats().l0Tables()).isEqualTo(1);
    }
  }

  @Test
  void snapshotsGiveRepeatableReads() {
    try (Db db = Db.open(store)) {
      db.put(b("k"), b("1"));
      Snapshot s = db.snapshot();
      {
        db.put(b("k"), b("2"));
        db.put(b("j"), b("2"));
        ReadOptions at = ReadOptions.defaults().withSnapshot(s);
        assertThat(db.get(b("k"), at)).isEqualTo(b("1"));
        assertThat(keys(db.scan(null, null, at))).containsExactly("k");
        assertThat(db.get(b("k"))).isEqualTo(b("2"));
        s.close();
        assertThatThrownBy(() -> db.get(b("k"), at))
            .isInstanceOf(DbClosedException.class)
            .hasMessageContaining("snapshot is closed");
      }
    }
  }

  @Test
  void durableOnlyReadsSkipUnuploadedWrites() {
    DbOptions options =
        DbOptions.builder()
            .walOptions(
                dev.shaledb.wal.WalWriterOptions.defaults()
                    .withFlushInterval(java.time.Duration.ofHours(1)))
            .build();
    try (Db db = Db.open(store, "db", options)) {
      db.put(b("k"), b("1"));
      db.put(b("k"), b("2"), WriteOptions.noWait());
      assertThat(db.get(b("k"))).isEqualTo(b("2"));
      assertThat(db.get(b("k"), ReadOptions.defaults().withDurableOnly(true))).isEqualTo(b("1"));
      db.flush();
      assertThat(db.get(b("k"), ReadOptions.defaults().withDurableOnly(true))).isEqualTo(b("2"));
    }
  }

  @Test
  void useAfterCloseFailsAndCloseIsIdempotent() {
    Db db = Db.open(store);
    db.close();
    db.close();
    assertThatThrownBy(() -> db.put(b("k"), b("v")))
        .isInstanceOf(DbClosedException.class)
        .hasMessage("database is closed");
    assertThatThrownBy(() -> db.get(b("k"))).isInstanceOf(DbClosedException.class);
    assertThatThrownBy(() -> db.scan(null, null)).isInstanceOf(DbClosedException.class);
    assertThatThrownBy(db::snapshot).isInstanceOf(DbClosedException.class);
    assertThatThrownBy(db::flush).isInstanceOf(DbClosedException.class);
  }
}
