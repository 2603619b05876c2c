package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.sst.SstOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Chaos seed 7449667: scans returned values nobody had written at those keys' positions. The
 * harness had answered a read of one table's blocks with the bytes of another table's read; the
 * blocks had the same lengths at the same offsets, and in SST format 1 each one passed its checksum
 * (which covered only its own bytes) and its key-bound checks. Format 2 binds every block checksum
 * to the table id and the block offset, so the engine now reports such a read as corruption.
 */
class Seed7449667BlockTransplantTest {
  private static final int KEYS = 40;

  @Test
  void aBlockReadAnsweredWithAnotherTablesBytesIsCorruptionNotData() {
    InMemoryObjectStore base = new InMemoryObjectStore();
    DbOptions options =
        DbOptions.builder()
            .tableOptions(SstOptions.defaults().withBlockSize(128))
            .blockCacheBytes(0)
            .compaction(CompactionOptions.disabled())
            .build();
    // Closing flushes the memtable: one table per generation.
    try (Db db = Db.open(base, "db", options)) {
      writeAll(db, "old");
    }
    try (Db db = Db.open(base, "db", options)) {
      writeAll(db, "new");
    }
    List<ObjectMeta> tables = tables(base);
    assertThat(tables).hasSize(2);
    assertThat(tables.get(0).size())
        .as("both tables have the same layout, as in the seed")
        .isEqualTo(tables.get(1).size());

    TransplantingStore store =
        new TransplantingStore(base, tables.get(0).key(), tables.get(1).key());
    try (Db db = Db.open(store, "db", options)) {
      assertThatThrownBy(() -> db.get(b("key-017")))
          .isInstanceOf(CorruptObjectException.class)
          .hasMessageContaining("checksum");
      assertThatThrownBy(() -> scanAll(db)).isInstanceOf(CorruptObjectException.class);
      assertThat(store.transplanted).as("reads answered with the other table's bytes").isPositive();
    }
    try (Db db = Db.open(base, "db", options)) {
      assertThat(db.get(b("key-017"))).as("the data itself is intact").isEqualTo(value("new", 17));
    }
  }

  private static void writeAll(Db db, String generation) {
    for (int i = 0; i < KEYS; i++) {
      db.put(b(String.format("key-%03d", i)), value(generation, i));
    }
  }

  private static byte[] value(String generation, int i) {
    return b(generation + "-value-" + String.format("%05d", i));
  }

  private static List<byte[]> scanAll(Db db) {
    List<byte[]> values = new ArrayList<>();
    try (DbIterator it = db.scan(null, null)) {
      it.forEachRemaining(kv -> values.add(kv.value()));
    }
    return values;
  }

  private static List<ObjectMeta> tables(InMemoryObjectStore store) {
    List<ObjectMeta> out = new ArrayList<>();
    for (ObjectMeta m : store.list("db/").join()) {
      if (m.key().endsWith(".sst")) {
        out.add(m);
      }
    }
    return out;
  }

  /** Answers ranged reads of each of two tables with the same range of the other. */
  private static final class TransplantingStore extends ForwardingObjectStore {
    private final String first;
    private final String second;
    volatile int transplanted;

    TransplantingStore(InMemoryObjectStore delegate, String first, String second) {
      super(delegate);
      this.first = first;
      this.second = second;
    }

    @Override
    public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
      boolean swapped = key.equals(first) || key.equals(second);
      if (!swapped || !(range instanceof ByteRange.Bounded)) {
        return delegate.get(key, range);
      }
      String other = key.equals(first) ? second : first;
      return delegate
          .get(key, range)
          .thenCombine(
              delegate.get(other, range),
              (mine, theirs) -> {
                transplanted++;
                return new ObjectContent(
                    mine.meta(), mine.offset(), Arrays.copyOf(theirs.data(), mine.data().length));
              });
    }
  }
}
