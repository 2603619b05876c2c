package dev.shaledb;

import static dev.shaledb.Testing.b;
import static dev.shaledb.Testing.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.UnsupportedFormatException;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every bad argument fails with a precise exception and leaves the database unchanged. */
class DbArgumentsTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private Db db;

  @BeforeEach
  void open() {
    db = Db.open(store, "db");
    db.put(b("existing"), b("value"));
  }

  @AfterEach
  void unchanged() {
    assertThat(keys(db.scan(null, null))).containsExactly("existing");
    assertThat(db.stats().batches()).isEqualTo(1);
    db.close();
  }

  @Test
  void nullArguments() {
    assertThatThrownBy(() -> db.put(null, b("v"))).hasMessage("key is null");
    assertThatThrownBy(() -> db.put(b("k"), null)).hasMessage("value is null");
    assertThatThrownBy(() -> db.put(b("k"), b("v"), (WriteOptions) null))
        .hasMessage("options is null");
    assertThatThrownBy(() -> db.put(b("k"), b("v"), (java.time.Duration) null))
        .hasMessage("ttl is null");
    assertThatThrownBy(() -> db.merge(b("k"), null)).hasMessage("value is null");
    assertThatThrownBy(() -> db.deleteRange(b("k"), null)).hasMessage("endExclusive is null");
    assertThatThrownBy(() -> db.get(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> db.delete(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> db.write(null)).hasMessage("batch is null");
    assertThatThrownBy(() -> db.scanPrefix(null)).hasMessage("prefix is null");
    assertThatThrownBy(() -> Db.open(null)).hasMessage("store is null");
    assertThatThrownBy(() -> Db.open(store, null)).hasMessage("path is null");
  }

  @Test
  void badKeysAndValues() {
    assertThatThrownBy(() -> db.put(new byte[0], b("v")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key is empty");
    assertThatThrownBy(() -> db.put(new byte[65_536], b("v")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key of 65536 bytes exceeds the maximum of 65535 bytes");
    assertThatThrownBy(() -> db.put(b("k"), new byte[(16 << 20) + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceeds the maximum of 16777216 bytes");
    assertThatThrownBy(() -> db.get(new byte[0])).hasMessage("key is empty");
    assertThatThrownBy(() -> db.scan(new byte[70_000], null))
        .hasMessageContaining("startInclusive of 70000 bytes");
  }

  @Test
  void badMultiGetArguments() {
    assertThatThrownBy(() -> db.multiGet(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("keys is null");
    assertThatThrownBy(() -> db.multiGet(Arrays.asList(b("existing"), null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("keys[1] is null");
    assertThatThrownBy(() -> db.multiGet(List.of(b("existing"), new byte[0])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keys[1] is empty");
    assertThatThrownBy(() -> db.multiGet(List.of(new byte[65_536])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keys[0] of 65536 bytes exceeds the maximum of 65535 bytes");
    assertThatThrownBy(() -> db.multiGet(List.of(b("existing")), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("options is null");
    assertThat(db.stats().gets()).as("refused reads are not counted").isZero();
    assertThat(db.multiGet(List.of(b("existing"), b("absent"), b("existing"))))
        .containsExactly(b("value"), null, b("value"));
  }

  @Test
  void aBatchWithABadEntryIsRejectedWhenBuilt() {
    WriteBatch batch = new WriteBatch().put(b("good"), b("1"));
    assertThatThrownBy(() -> batch.put(new byte[0], b("2"))).hasMessage("key is empty");
    assertThat(batch.size()).isEqualTo(1);
  }

  @Test
  void aPathHoldingAnotherFormatVersionIsRefused() {
    Db.open(store, "other").close();
    // The latest version: opening publishes one for the writer and one for the compactor epoch.
    List<ObjectMeta> versions = Futures.join(store.list("other/manifest/"));
    String key = versions.get(versions.size() - 1).key();
    byte[] manifest = Futures.join(store.get(key)).data();
    // A future major version (offset 4), with a valid checksum so that only the version differs.
    ByteBuffer.wrap(manifest).putShort(4, (short) 99);
    CRC32C crc = new CRC32C();
    crc.update(manifest, 0, manifest.length - 4);
    ByteBuffer.wrap(manifest).putInt(manifest.length - 4, (int) crc.getValue());
    Futures.join(store.put(key, manifest, PutCondition.none()));
    assertThatThrownBy(() -> Db.open(store, "other"))
        .isInstanceOf(UnsupportedFormatException.class)
        .hasMessageContaining(key);
    assertThatThrownBy(() -> Db.open(store, "bad/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ends with '/'");
    // Said of the path the user gave, not of an internal key.
    assertThatThrownBy(() -> Db.open(store, "../x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("database path '../x' is not usable")
        .hasMessageNotContaining("manifest");
  }
}
