package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The documented contract of {@link DbIterator}'s seeks and of reverse scans, case by case (the
 * table in its Javadoc), and bad input: a precise exception and an unchanged iterator and database.
 * {@link IteratorPropertyTest} checks random sequences against a model.
 */
class IteratorApiTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  /** b, d, f, h with "c" deleted and "e" overwritten; half in a table, half in the memtable. */
  private Db openWithKeys() {
    Db db = Db.open(store, "db", DbOptions.defaults());
    db.put(b("b"), b("1"));
    db.put(b("c"), b("gone"));
    db.put(b("e"), b("old"));
    db.flush();
    db.put(b("d"), b("2"));
    db.delete(b("c"));
    db.put(b("e"), b("3"));
    db.put(b("f"), b("4"));
    return db;
  }

  @Test
  void reverseScansReturnKeysDescendingWithTheNewestValuesAndTombstonesHidden() {
    try (Db db = openWithKeys()) {
      assertThat(keys(db.scanReverse(null, null))).containsExactly("f=4", "e=3", "d=2", "b=1");
      assertThat(keys(db.scanReverse(b("c"), b("f")))).containsExactly("e=3", "d=2");
      assertThat(keys(db.scanPrefixReverse(b("e")))).containsExactly("e=3");
      assertThat(keys(db.scanReverse(b("f"), b("b")))).as("an empty range").isEmpty();
    }
  }

  @Test
  void forwardSeeksLandOnTheFirstKeyAtOrAfterTheTargetClampedToTheRange() {
    try (Db db = openWithKeys();
        DbIterator it = db.scan(b("c"), b("f"))) {
      assertThat(afterSeek(it, i -> i.seek(b("e")))).containsExactly("e=3");
      assertThat(afterSeek(it, i -> i.seek(b("cz"))))
          .as("between keys")
          .containsExactly("d=2", "e=3");
      assertThat(afterSeek(it, i -> i.seek(b("a"))))
          .as("before the range")
          .containsExactly("d=2", "e=3");
      assertThat(afterSeek(it, i -> i.seek(b("f")))).as("at the range's end").isEmpty();
      assertThat(afterSeek(it, i -> i.seek(b("zz")))).as("past the range").isEmpty();
      assertThat(afterSeek(it, DbIterator::seekToFirst)).containsExactly("d=2", "e=3");
      assertThat(afterSeek(it, DbIterator::seekToLast))
          .as("the last key, then nothing")
          .containsExactly("e=3");
    }
  }

  @Test
  void reverseSeeksLandOnTheLastKeyAtOrBeforeTheTargetClampedToTheRange() {
    try (Db db = openWithKeys();
        DbIterator it = db.scanReverse(b("c"), b("f"))) {
      assertThat(afterSeek(it, i -> i.seek(b("d")))).containsExactly("d=2");
      assertThat(afterSeek(it, i -> i.seek(b("dz")))).as("between keys").containsExactly("d=2");
      assertThat(afterSeek(it, i -> i.seek(b("zz"))))
          .as("past the range")
          .containsExactly("e=3", "d=2");
      assertThat(afterSeek(it, i -> i.seek(b("c")))).as("a deleted key at the start").isEmpty();
      assertThat(afterSeek(it, i -> i.seek(b("a")))).as("before the range").isEmpty();
      assertThat(afterSeek(it, DbIterator::seekToLast)).containsExactly("e=3", "d=2");
      assertThat(afterSeek(it, DbIterator::seekToFirst))
          .as("the first key, then nothing")
          .containsExactly("d=2");
    }
  }

  @Test
  void seeksReadTheIteratorsOwnStateNotLaterWrites() {
    try (Db db = openWithKeys();
        Snapshot snapshot = db.snapshot();
        DbIterator latest = db.scanReverse(null, null);
        DbIterator atSnapshot =
            db.scanReverse(null, null, ReadOptions.defaults().withSnapshot(snapshot))) {
      db.put(b("a"), b("new"));
      db.delete(b("f"));
      db.flush();
      assertThat(afterSeek(latest, DbIterator::seekToLast))
          .containsExactly("f=4", "e=3", "d=2", "b=1");
      assertThat(afterSeek(atSnapshot, i -> i.seek(b("zz"))))
          .containsExactly("f=4", "e=3", "d=2", "b=1");
      assertThat(keys(db.scanReverse(null, null, ReadOptions.defaults().withSnapshot(snapshot))))
          .containsExactly("f=4", "e=3", "d=2", "b=1");
      assertThat(keys(db.scanReverse(null, null))).containsExactly("e=3", "d=2", "b=1", "a=new");
    }
  }

  @Test
  void aReadersIteratorsSeekAndRunInReverse() {
    try (Db db = openWithKeys()) {
      db.flush();
      try (DbReader reader =
              DbReader.open(
                  store, "db", DbReaderOptions.builder().pollInterval(Duration.ZERO).build());
          DbIterator it = reader.scanReverse(null, b("f"))) {
        assertThat(afterSeek(it, i -> i.seek(b("d")))).containsExactly("d=2", "b=1");
        assertThat(keys(reader.scanPrefixReverse(b("b")))).containsExactly("b=1");
      }
    }
  }

  @Test
  void aNullSeekKeyIsRefusedAndLeavesTheIteratorWhereItWas() {
    try (Db db = openWithKeys();
        DbIterator it = db.scan(null, null)) {
      assertThat(it.next().key()).isEqualTo(b("b"));
      assertThatThrownBy(() -> it.seek(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("key is null");
      assertThat(keys(it)).containsExactly("d=2", "e=3", "f=4");
    }
  }

  @Test
  void badArgumentsToReverseScansAreRefusedAndTheDatabaseIsUnchanged() {
    try (Db db = openWithKeys()) {
      assertThatThrownBy(() -> db.scanReverse(new byte[1 << 20], null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("startInclusive");
      assertThatThrownBy(() -> db.scanReverse(null, null, null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("options is null");
      assertThatThrownBy(() -> db.scanPrefixReverse(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("prefix is null");
      assertThat(keys(db.scan(null, null))).containsExactly("b=1", "d=2", "e=3", "f=4");
    }
  }

  @Test
  void seeksAfterCloseThrowDbClosedException() {
    Db db = openWithKeys();
    try {
      DbIterator it = db.scanReverse(null, null);
      it.close();
      assertThatThrownBy(() -> it.seek(b("c"))).isInstanceOf(DbClosedException.class);
      assertThatThrownBy(it::seekToFirst).isInstanceOf(DbClosedException.class);
      assertThatThrownBy(it::seekToLast).isInstanceOf(DbClosedException.class);
      assertThatThrownBy(it::hasNext).isInstanceOf(DbClosedException.class);
      DbIterator open = db.scan(null, null);
      db.close();
      assertThatThrownBy(() -> open.seek(b("c"))).isInstanceOf(DbClosedException.class);
      assertThatThrownBy(open::seekToLast).isInstanceOf(DbClosedException.class);
      open.close();
    } finally {
      db.close();
    }
  }

  /** Repositions {@code it} with {@code seek} and reads what is left (the iterator stays open). */
  private static List<String> afterSeek(DbIterator it, Consumer<DbIterator> seek) {
    seek.accept(it);
    List<String> out = new ArrayList<>();
    while (it.hasNext()) {
      out.add(entry(it.next()));
    }
    return out;
  }

  /** Reads what is left and closes the iterator. */
  private static List<String> keys(DbIterator it) {
    try (it) {
      List<String> out = new ArrayList<>();
      it.forEachRemaining(kv -> out.add(entry(kv)));
      return out;
    }
  }

  private static String entry(KeyValue kv) {
    return new String(kv.key(), StandardCharsets.UTF_8)
        + "="
        + new String(kv.value(), StandardCharsets.UTF_8);
  }
}
