package dev.shaledb;

import static dev.shaledb.Testing.b;
import static dev.shaledb.objectstore.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.DbAlreadyOpenException;
import dev.shaledb.error.FencedException;
import dev.shaledb.error.ForeignObjectsException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.testing.stores.CountingObjectStore;
import org.junit.jupiter.api.Test;

/**
 * One process, one writer per database: a second {@code Db.open} of a store instance and path this
 * process has open is refused before it sends a request, instead of fencing the first
 * (docs/engine.md, "One writer per process").
 */
class DbOpenTwiceTest {
  private final InMemoryObjectStore base = new InMemoryObjectStore();
  private final CountingObjectStore store = new CountingObjectStore(base);

  @Test
  void aSecondOpenIsRefusedAndTheFirstWritesOn() {
    try (Db first = Db.open(store, "db")) {
      first.put(b("a"), b("1"));
      long requests = store.total();
      assertThatThrownBy(() -> Db.open(store, "db"))
          .isInstanceOf(DbAlreadyOpenException.class)
          .hasMessage(
              "the database at path 'db' of store "
                  + base
                  + " is already open for writing in this process; a second writer would fence"
                  + " the first. Close the first Db before opening it again, or read alongside it"
                  + " with a DbReader (tests that simulate several processes:"
                  + " DbOptions.builder().allowInProcessTakeover(true))");
      assertThat(store.total()).as("no request sent").isEqualTo(requests);
      first.put(b("b"), b("2")); // not fenced
      assertThat(first.get(b("a"))).isEqualTo(b("1"));
      try (DbReader reader = DbReader.open(store, "db")) {
        assertThat(reader.get(b("b"))).isEqualTo(b("2"));
      }
    }
    try (Db again = Db.open(store, "db")) { // closed: free again
      assertThat(again.get(b("b"))).isEqualTo(b("2"));
    }
  }

  @Test
  void theRootIsNamedAsSuch() {
    try (Db first = Db.open(store)) {
      first.put(b("k"), b("v"));
      assertThatThrownBy(() -> Db.open(store))
          .isInstanceOf(DbAlreadyOpenException.class)
          .hasMessageStartingWith(
              "the database at the store root of store " + base + " is already open");
    }
  }

  @Test
  void otherPathsAndOtherStoreInstancesAreOtherDatabases() {
    try (Db db = Db.open(store, "db");
        Db nested = Db.open(store, "db/inner");
        Db other = Db.open(store, "other")) {
      db.put(b("k"), b("db"));
      nested.put(b("k"), b("nested"));
      other.put(b("k"), b("other"));
      assertThat(db.get(b("k"))).isEqualTo(b("db"));
    }
  }

  @Test
  void aFailedOpenLeavesNothingRegistered() {
    join(base.put("app/report.csv", b("x"), PutCondition.ifAbsent()));
    assertThatThrownBy(() -> Db.open(store, "app")).isInstanceOf(ForeignObjectsException.class);
    try (Db db = Db.open(store, "app", DbOptions.builder().allowForeignObjects(true).build())) {
      db.put(b("k"), b("v"));
    }
  }

  @Test
  void aTakeoverFencesTheFirstAsAnotherProcessWould() {
    DbOptions otherProcess = DbOptions.builder().allowInProcessTakeover(true).build();
    Db first = Db.open(store, "db");
    first.put(b("a"), b("1"));
    try (Db second = Db.open(store, "db", otherProcess)) {
      assertThatThrownBy(() -> first.put(b("b"), b("2"))).isInstanceOf(FencedException.class);
      assertThat(second.get(b("a"))).isEqualTo(b("1"));
      first.close();
    }
  }

  @Test
  void anAbandonedTakeoverInstanceBlocksNobody() {
    DbOptions crashable = DbOptions.builder().allowInProcessTakeover(true).build();
    Db crashed = Db.open(store, "db", crashable);
    crashed.put(b("a"), b("1"));
    // Abandoned without close, like a process that died.
    try (Db next = Db.open(store, "db")) {
      assertThat(next.get(b("a"))).isEqualTo(b("1"));
    }
    try {
      crashed.close();
    } catch (FencedException expected) {
      // its close may publish a flush, which the next writer's epoch refuses
    }
  }
}
