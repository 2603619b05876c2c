package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.BulkLoadModeException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * What bulk-load mode refuses: every write that asks to be acknowledged as durable, since no write
 * is durable before a flush. Each refusal names the mode and the way out, and changes nothing; the
 * same writes without waiting for durability are applied.
 */
class BulkLoadRefusalTest {
  private static final MergeOperator CONCAT =
      new MergeOperator() {
        @Override
        public byte[] fullMerge(byte[] key, byte[] existing, java.util.List<byte[]> operands) {
          StringBuilder sb = new StringBuilder(existing == null ? "" : new String(existing));
          operands.forEach(o -> sb.append(new String(o)));
          return b(sb.toString());
        }
      };

  private final InMemoryObjectStore store = new InMemoryObjectStore();

  private static DbOptions bulk() {
    return DbOptions.builder().bulkLoad(true).mergeOperator(CONCAT).build();
  }

  @Test
  void everyDurableWriteIsRefusedAndChangesNothing() {
    try (Db db = Db.open(store, "db", bulk())) {
      db.put(b("k"), b("before"), WriteOptions.noWait());
      DbStats before = db.stats();
      Map<String, ThrowingCallable> durable = new LinkedHashMap<>();
      durable.put("put", () -> db.put(b("k"), b("v")));
      durable.put("put with ttl", () -> db.put(b("k"), b("v"), Duration.ofHours(1)));
      durable.put("delete", () -> db.delete(b("k")));
      durable.put("merge", () -> db.merge(b("k"), b("+")));
      durable.put("deleteRange", () -> db.deleteRange(b("a"), b("z")));
      durable.put("write", () -> db.write(new WriteBatch().put(b("k"), b("v"))));
      durable.put("empty durable write", () -> db.write(new WriteBatch()));
      durable.put("writeAsync", () -> db.writeAsync(new WriteBatch().put(b("k"), b("v"))));
      durable.put("putIfAbsent", () -> db.putIfAbsent(b("new"), b("v")));
      durable.put(
          "compareAndSet",
          () -> db.compareAndSet(b("k"), b("before"), b("v"), WriteOptions.durable()));
      durable.put("commit", () -> commit(db, false));
      durable.put("commitAsync", () -> commit(db, true));
      durable.forEach(
          (what, call) ->
              assertThatThrownBy(call)
                  .as(what)
                  .isInstanceOf(BulkLoadModeException.class)
                  .hasMessageContaining("is refused: the database is open in bulk-load mode")
                  .hasMessageContaining("Nothing was written")
                  .hasMessageContaining("WriteOptions.noWait()"));
      DbStats after = db.stats();
      assertThat(after.lastSequence()).isEqualTo(before.lastSequence());
      assertThat(after.batches()).isEqualTo(before.batches());
      assertThat(db.get(b("k"))).isEqualTo(b("before"));
      assertThat(db.get(b("new"))).isNull();
    }
    try (Db reopened = Db.open(store, "db")) {
      assertThat(Testing.keys(reopened.scan(null, null))).containsExactly("k");
      assertThat(reopened.get(b("k"))).isEqualTo(b("before"));
    }
  }

  @Test
  void theSameWritesWithoutWaitingForDurabilityAreApplied() {
    try (Db db = Db.open(store, "db", bulk())) {
      db.put(b("a"), b("1"), WriteOptions.noWait());
      db.merge(b("a"), b("2"), WriteOptions.noWait());
      db.put(b("b"), b("x"), WriteOptions.noWait());
      db.put(b("c"), b("x"), WriteOptions.noWait());
      db.deleteRange(b("b"), b("c"), WriteOptions.noWait());
      assertThat(db.compareAndSet(b("c"), b("x"), b("y"), WriteOptions.noWait())).isTrue();
      try (Transaction t = db.beginTransaction()) {
        t.put(b("d"), b(new String(t.get(b("a"))) + "3"));
        t.commit(WriteOptions.noWait());
      }
      assertThat(db.get(b("a"))).isEqualTo(b("12"));
      assertThat(db.get(b("b"))).isNull();
      assertThat(db.get(b("c"))).isEqualTo(b("y"));
      assertThat(db.get(b("d"))).isEqualTo(b("123"));
    }
    try (Db reopened = Db.open(store, "db", DbOptions.builder().mergeOperator(CONCAT).build())) {
      assertThat(Testing.keys(reopened.scan(null, null))).containsExactly("a", "c", "d");
      assertThat(reopened.get(b("a"))).isEqualTo(b("12"));
      assertThat(reopened.get(b("d"))).isEqualTo(b("123"));
    }
  }

  @Test
  void bulkLoadWithoutFlushOnCloseIsRefusedBeforeAnythingOpens() {
    DbOptions.Builder options = DbOptions.builder().bulkLoad(true).flushOnClose(false);
    assertThatThrownBy(options::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "bulkLoad needs flushOnClose: in bulk-load mode close() is what makes the last writes"
                + " durable");
  }

  private static void commit(Db db, boolean async) {
    try (Transaction t = db.beginTransaction()) {
      t.put(b("k"), b("from a transaction"));
      if (async) {
        t.commitAsync();
      } else {
        t.commit();
      }
    }
  }
}
