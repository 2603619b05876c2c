package dev.shaledb.manifest;

import static dev.shaledb.manifest.TestStates.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The table floor (issue 14): garbage collection condemns unreferenced tables by publishing a
 * floor, and no publish may list a condemned table afterwards, whoever publishes and however stale
 * its cache. Also: an ambiguous publish whose version was retired before it could be read back is
 * reported as an unknown outcome, never applied twice.
 */
class TableFloorTest {
  private final InMemoryObjectStore memory = new InMemoryObjectStore();
  private final ManifestStore gc = new ManifestStore(memory, "db");

  @Test
  void aWriterCannotListATableAtOrBelowTheFloorThatTheBaseDoesNotList() {
    FenceableManifest writer = FenceableManifest.openWriter(new ManifestStore(memory, "db"));
    writer.update(s -> s.toBuilder().addL0(table("t5", "a", "b")).build());
    gc.publish(s -> s.toBuilder().condemnedThrough("t7").build());
    // The writer's cache still says no floor: its put collides, the change is re-applied to the
    // latest state, which has the floor, and refused there.
    assertThatThrownBy(() -> writer.update(s -> s.toBuilder().addL0(table("t6", "c", "d")).build()))
        .isInstanceOf(CondemnedTablesException.class)
        .hasMessageContaining("[t6]")
        .satisfies(e -> assertThat(((CondemnedTablesException) e).floor()).isEqualTo("t7"));
    assertThatThrownBy(() -> writer.update(s -> s.toBuilder().addL0(table("t7", "c", "d")).build()))
        .isInstanceOf(CondemnedTablesException.class);
    // Listed tables below the floor stay; new ids above it are fine.
    ManifestState after =
        writer.update(s -> s.toBuilder().addL0(table("t8", "c", "d")).build()).state();
    assertThat(after.tableIds()).containsExactlyInAnyOrder("t5", "t8");
    assertThat(after.condemnedThrough()).isEqualTo("t7");
    assertThat(after.isBelowFloor("t5")).isTrue();
  }

  @Test
  void onlyARolelessPublishMovesTheFloorAndNeverBack() {
    FenceableManifest writer = FenceableManifest.openWriter(new ManifestStore(memory, "db"));
    assertThatThrownBy(() -> writer.update(s -> s.toBuilder().condemnedThrough("t1").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table floor");
    gc.publish(s -> s.toBuilder().condemnedThrough("t5").build());
    assertThatThrownBy(() -> gc.publish(s -> s.toBuilder().condemnedThrough("t4").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("moves back");
    assertThat(gc.readLatest().orElseThrow().state().condemnedThrough()).isEqualTo("t5");
  }

  @Test
  void theFloorRoundTripsAndIsWrittenAsMinorVersion2OnlyWhenSet() {
    ManifestState plain = ManifestState.initial();
    ManifestState floored = plain.toBuilder().condemnedThrough("0123abcd").build();
    byte[] without = ManifestCodec.encode(3, plain, new java.util.UUID(1, 2));
    byte[] with = ManifestCodec.encode(3, floored, new java.util.UUID(1, 2));
    assertThat(ByteBuffer.wrap(without, 6, 2).getShort()).isEqualTo((short) 1);
    assertThat(ByteBuffer.wrap(with, 6, 2).getShort()).isEqualTo((short) 2);
    assertThat(ManifestCodec.decode("k", 3, with).state()).isEqualTo(floored);
    assertThat(ManifestCodec.decode("k", 3, without).state()).isEqualTo(plain);
  }

  /**
   * A store whose first put of manifest 3 lands, is superseded by version 4 and retired by a
   * collector, and only then answers with an unknown outcome (a very long stall).
   */
  private final class LandsThenRetired extends ForwardingObjectStore {
    private boolean done;

    LandsThenRetired() {
      super(memory);
    }

    @Override
    public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
      if (done || !key.equals(ManifestKeys.key("db", 3))) {
        return super.put(key, data, condition);
      }
      done = true;
      Futures.join(super.put(key, data, condition));
      gc.publish(s -> s.toBuilder().condemnedThrough("zz").build()); // version 4
      assertThat(gc.retire(3)).isTrue();
      return CompletableFuture.failedFuture(
          new OutcomeUnknownException("timed out after sending", null));
    }
  }

  // Before: the retired slot was taken for a lost race and the change was applied again on top.
  @Test
  void anAmbiguousPublishWhoseVersionWasRetiredIsAnUnknownOutcomeNotAppliedTwice() {
    ManifestStore stalled = new ManifestStore(new LandsThenRetired(), "db");
    FenceableManifest writer = FenceableManifest.openWriter(stalled); // version 1
    writer.update(s -> s.toBuilder().addL0(table("t1", "a", "b")).build()); // version 2
    assertThatThrownBy(
            () -> writer.update(s -> s.toBuilder().lastFlushedSeq(s.lastFlushedSeq() + 10).build()))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("retired");
    Manifest latest = gc.readLatest().orElseThrow();
    assertThat(latest.id()).isEqualTo(4);
    assertThat(latest.state().lastFlushedSeq()).as("applied once").isEqualTo(10);
  }
}
