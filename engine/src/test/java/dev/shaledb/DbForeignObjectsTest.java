package dev.shaledb;

import static dev.shaledb.Testing.b;
import static dev.shaledb.objectstore.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.DbNotFoundException;
import dev.shaledb.error.ForeignObjectsException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.LocalFileObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.testing.stores.CountingObjectStore;
import dev.shaledb.testing.stores.CountingObjectStore.Op;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Creating a database where other data lies is refused unless asked for, with nothing created;
 * opens that never create a database say there is none (docs/engine.md, "Where a database may be
 * created").
 */
class DbForeignObjectsTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  @TempDir Path dir;

  private static List<String> keys(ObjectStore store) {
    return join(store.list("")).stream().map(ObjectMeta::key).toList();
  }

  private static List<String> tree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }

  private void put(String key) {
    join(store.put(key, b(key), PutCondition.ifAbsent()));
  }

  @Test
  void aPathHoldingOtherObjectsIsRefusedAndNothingIsCreated() {
    put("app/report.csv");
    put("app/images/logo.png");
    put("app/index.html");
    put("app/z.txt");
    List<String> before = keys(store);
    assertThatThrownBy(() -> Db.open(store, "app"))
        .isInstanceOfSatisfying(
            ForeignObjectsException.class,
            e -> {
              assertThat(e.path()).isEqualTo("app");
              assertThat(e.found())
                  .containsExactly("app/images/logo.png", "app/index.html", "app/report.csv");
            })
        .hasMessage(
            "will not create a database at path 'app' of store "
                + store
                + ": it already holds objects or files that are not a database's, such as"
                + " 'app/images/logo.png', 'app/index.html', 'app/report.csv' (and more)."
                + " Nothing was created. Check the store and path; to create the database beside"
                + " them, set DbOptions.builder().allowForeignObjects(true)");
    assertThat(keys(store)).isEqualTo(before);
  }

  @Test
  void aFileDirectoryHoldingSomeoneElsesFilesIsRefusedAndLeftAsItWas() throws IOException {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("src"));
    Files.writeString(home.resolve("notes.txt"), "mine");
    Files.writeString(home.resolve("src/Main.java"), "class Main {}");
    try (LocalFileObjectStore local = new LocalFileObjectStore(home)) {
      List<String> before = tree(home); // with the store's own %tmp and %locks
      assertThatThrownBy(() -> Db.open(local))
          .isInstanceOf(ForeignObjectsException.class)
          .hasMessageStartingWith(
              "will not create a database at the store root of store file:"
                  + local.root()
                  + ": it already holds objects or files that are not a database's, such as"
                  + " 'notes.txt', 'src/Main.java'. Nothing was created.");
      assertThat(tree(home)).isEqualTo(before);
      assertThat(Files.readString(home.resolve("notes.txt"))).isEqualTo("mine");
    }
  }

  @Test
  void allowForeignObjectsCreatesTheDatabaseBesideThem() {
    put("app/report.csv");
    try (Db db = Db.open(store, "app", DbOptions.builder().allowForeignObjects(true).build())) {
      db.put(b("k"), b("v"));
    }
    try (Db db = Db.open(store, "app")) { // an existing database is not checked again
      assertThat(db.get(b("k"))).isEqualTo(b("v"));
    }
    assertThat(keys(store)).contains("app/report.csv");
  }

  @Test
  void otherDatabasesBelowThePathAreNotForeign() {
    try (Db nested = Db.open(store, "a/b")) {
      nested.put(b("k"), b("nested"));
    }
    try (Db inner = Db.open(store, "orders")) {
      inner.put(b("k"), b("orders"));
    }
    try (Db parent = Db.open(store, "a");
        Db root = Db.open(store, "")) {
      parent.put(b("k"), b("parent"));
      root.put(b("k"), b("root"));
    }
    try (DbReader nested = DbReader.open(store, "a/b");
        DbReader parent = DbReader.open(store, "a")) {
      assertThat(nested.get(b("k"))).isEqualTo(b("nested"));
      assertThat(parent.get(b("k"))).isEqualTo(b("parent"));
    }
  }

  @Test
  void leftoversOfAnEarlierAttemptAreNotForeign() {
    put("db/probe/verified");
    put("db/gc/clock");
    put("db/sst/0000-unreferenced.sst");
    try (Db db = Db.open(store, "db")) {
      db.put(b("k"), b("v"));
    }
  }

  @Test
  void theCheckIsOneBoundedListAndOnlyWhenCreating() {
    CountingObjectStore counting = new CountingObjectStore(store);
    try (Db db = Db.open(counting, "db")) {
      db.put(b("k"), b("v"));
    }
    long listsAtCreation = counting.count(Op.LIST);
    counting.reset();
    try (Db db = Db.open(counting, "db")) {
      assertThat(db.get(b("k"))).isEqualTo(b("v"));
    }
    long listsAtReopen = counting.count(Op.LIST);
    assertThat(listsAtCreation - listsAtReopen).as("the creation check's LIST").isEqualTo(1);
  }

  @Test
  void readersCompactorsAndCollectorsOfAMissingDatabaseCreateNothing() {
    put("other/file.txt");
    List<String> before = keys(store);
    String message = "no database at path 'nothing': it has no manifest";
    assertThatThrownBy(() -> DbReader.open(store, "nothing"))
        .isInstanceOf(DbNotFoundException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> Compactor.open(store, "nothing", CompactionOptions.defaults()))
        .isInstanceOf(DbNotFoundException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> GarbageCollector.open(store, "nothing", GcOptions.defaults()))
        .isInstanceOf(DbNotFoundException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> GarbageCollector.open(store, "other", GcOptions.defaults()))
        .isInstanceOf(DbNotFoundException.class)
        .hasMessage("no database at path 'other': it has no manifest");
    assertThat(keys(store)).isEqualTo(before);
  }
}
