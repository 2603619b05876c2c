package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.UnsafeStoreException;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.testing.stores.IgnoringConditionsStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A store that does not enforce create-if-absent would let a zombie writer overwrite a fence or a
 * manifest: every role that writes refuses it before writing anything, and the database stays as it
 * was.
 */
class UnsafeStoreTest {
  private final InMemoryObjectStore backing = new InMemoryObjectStore();

  @Test
  void aNewDatabaseIsNotCreatedOnAStoreThatIgnoresCreateIfAbsent() {
    ObjectStore unsafe = new IgnoringConditionsStore(backing, true, false);
    assertThatThrownBy(() -> Db.open(unsafe, "db"))
        .isInstanceOf(UnsafeStoreException.class)
        .hasMessageContaining("does not enforce create-if-absent");
    assertThat(Futures.join(backing.list(""))).isEmpty();
  }

  @Test
  void everyWritingRoleRefusesAnUnsafeStoreAndTheDatabaseStaysAsItWas() {
    try (Db db = Db.open(backing, "db")) {
      db.put(b("k"), b("v"));
      db.flush();
    }
    Map<String, String> before = snapshot();
    ObjectStore unsafe = new IgnoringConditionsStore(backing, false, true);
    assertThatThrownBy(() -> Db.open(unsafe, "db"))
        .isInstanceOf(UnsafeStoreException.class)
        .hasMessageContaining("does not enforce compare-and-swap");
    assertThatThrownBy(() -> Compactor.open(unsafe, "db", CompactionOptions.defaults()))
        .isInstanceOf(UnsafeStoreException.class);
    assertThatThrownBy(() -> GarbageCollector.open(unsafe, "db", GcOptions.defaults()))
        .isInstanceOf(UnsafeStoreException.class);
    assertThat(snapshot()).isEqualTo(before);
    try (Db db = Db.open(backing, "db")) {
      assertThat(db.get(b("k"))).isEqualTo(b("v"));
    }
  }

  @Test
  void readersDoNotProbe() {
    try (Db db = Db.open(backing, "db")) {
      db.put(b("k"), b("v"));
      db.flush();
    }
    try (DbReader reader = DbReader.open(new IgnoringConditionsStore(backing, true, true), "db")) {
      assertThat(reader.get(b("k"))).isEqualTo(b("v"));
    }
  }

  /** Every key with its version: what "unchanged" means for a store. */
  private Map<String, String> snapshot() {
    Map<String, String> out = new LinkedHashMap<>();
    for (ObjectMeta m : Futures.join(backing.list(""))) {
      ObjectContent c = Futures.join(backing.get(m.key()));
      out.put(m.key(), c.meta().version());
    }
    return out;
  }
}
