package dev.shaledb;

import static dev.shaledb.Testing.b;
import static dev.shaledb.Testing.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CheckpointNotFoundException;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.testing.stores.CountingObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Checkpoint readers: the pinned manifest exactly as it was. Checkpoints are published here with
 * {@link ManifestStore#publish}, as the checkpoint tool does.
 */
class DbReaderCheckpointTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  // Checkpoint expiry is judged by the store's clock (the one GC uses), so the store runs at NOW.
  private final InMemoryObjectStore store =
      new InMemoryObjectStore(Clock.fixed(NOW, ZoneOffset.UTC));

  /** Pins the latest manifest version; returns the checkpoint id. */
  private UUID pinLatest(Instant expireAt) {
    ManifestStore manifests = new ManifestStore(store, "db");
    long pinned = manifests.readLatest().orElseThrow().id();
    UUID id = UUID.randomUUID();
    manifests.publish(
        s -> s.toBuilder().addCheckpoint(new Checkpoint(id, pinned, expireAt, "test")).build());
    return id;
  }

  private static DbReaderOptions at(UUID checkpoint) {
    return DbReaderOptions.builder()
        .checkpoint(checkpoint)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .pollInterval(Duration.ofMillis(1)) // ignored: a checkpoint reader never polls
        .build();
  }

  @Test
  void readsExactlyThePinnedStateWhateverIsWrittenLater() {
    try (Db db = Db.open(store, "db")) {
      db.put(b("a"), b("1"));
      db.put(b("b"), b("2"));
    } // close flushes: the state is in tables
    UUID checkpoint = pinLatest(null);
    try (Db db = Db.open(store, "db")) {
      db.put(b("a"), b("changed"));
      db.delete(b("b"));
      db.put(b("c"), b("3"));
      db.flush();
    }
    try (Db db = Db.open(store, "db")) {
      db.put(b("d"), b("4")); // only in the WAL
      CountingObjectStore counting = new CountingObjectStore(store);
      try (DbReader pinned = DbReader.open(counting, "db", at(checkpoint));
          DbReader latest = DbReader.open(store, "db", DbReaderTest.manual())) {
        assertThat(pinned.get(b("a"))).isEqualTo(b("1"));
        assertThat(pinned.get(b("b"))).isEqualTo(b("2"));
        assertThat(keys(pinned.scan(null, null))).containsExactly("a", "b");
        assertThat(latest.get(b("a"))).isEqualTo(b("changed"));
        assertThat(keys(latest.scan(null, null))).containsExactly("a", "c", "d");

        long pinnedId = pinned.manifestId();
        assertThat(pinnedId).isLessThan(latest.manifestId());
        long requests = counting.total();
        assertThat(pinned.refresh()).isEqualTo(pinnedId);
        assertThat(counting.total()).isEqualTo(requests); // no polling, no WAL, no manifest probe
        assertThat(pinned.stats().memtableEntries()).isZero();
      }
    }
  }

  @Test
  void aCheckpointSeesTablesOnlyNotTheWalOfItsTime() {
    try (Db db = Db.open(store, "db")) {
      db.put(b("flushed"), b("1"));
    }
    Db db = Db.open(store, "db");
    db.put(b("walOnly"), b("2"));
    UUID checkpoint = pinLatest(null);
    try (DbReader pinned = DbReader.open(store, "db", at(checkpoint))) {
      assertThat(keys(pinned.scan(null, null))).containsExactly("flushed");
    } finally {
      db.close();
    }
  }

  @Test
  void unknownAndExpiredCheckpointsAreRefused() {
    try (Db db = Db.open(store, "db")) {
      db.put(b("a"), b("1"));
    }
    UUID unknown = UUID.randomUUID();
    assertThatThrownBy(() -> DbReader.open(store, "db", at(unknown)))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessageStartingWith("checkpoint " + unknown + " is not listed in manifest ");
    UUID expired = pinLatest(NOW);
    assertThatThrownBy(() -> DbReader.open(store, "db", at(expired)))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage("checkpoint " + expired + " expired at " + NOW);
    UUID live = pinLatest(NOW.plusSeconds(1));
    try (DbReader reader = DbReader.open(store, "db", at(live))) {
      assertThat(reader.get(b("a"))).isEqualTo(b("1"));
    }
    // A reader whose own clock is a day ahead still opens it: the store's clock decides.
    DbReaderOptions skewed =
        at(live).toBuilder().clock(Clock.fixed(NOW.plusSeconds(86_400), ZoneOffset.UTC)).build();
    try (DbReader reader = DbReader.open(store, "db", skewed)) {
      assertThat(reader.get(b("a"))).isEqualTo(b("1"));
    }
  }
}
