package dev.shaledb.manifest;

import static dev.shaledb.manifest.ManifestBytes.indexOfField;
import static dev.shaledb.manifest.ManifestBytes.withoutField;
import static dev.shaledb.manifest.TestStates.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.UnsupportedFormatException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A clone's manifest (1.4): its pins in other databases and the home of every table it borrows, in
 * the critical field 0x800C; the rules that no publish may borrow a table anew and no role may
 * touch the pins.
 */
class ClonePinsTest {
  private static final String KEY = ManifestKeys.key("dst", 3);
  private static final UUID WRITE_ID = new UUID(1, 2);
  private static final ClonePin PIN = new ClonePin("src", new UUID(3, 4), 17);

  private static final ManifestState CLONE =
      ManifestState.initial().toBuilder()
          .l0(List.of(table("own", "a", "b"), table("l0s", "c", "d").withHome("src")))
          .sortedRuns(
              List.of(
                  SortedRun.of(
                      table("r1", "a", "c").withHome("src"),
                      table("r2", "d", "f").withHome("older/db"),
                      table("r3", "g", "h"))))
          .clonePins(List.of(PIN))
          .build();

  @Test
  void aCloneRoundTripsWithItsPinsAndHomesInTheCriticalFieldAndMinorVersion4() {
    byte[] bytes = ManifestCodec.encode(3, CLONE, WRITE_ID);
    assertThat(ManifestCodec.TAG_CLONE).isEqualTo(0x800C);
    assertThat(indexOfField(bytes, ManifestCodec.TAG_CLONE)).isPositive();
    assertThat(ByteBuffer.wrap(bytes, 6, 2).getShort()).isEqualTo((short) 4);
    ManifestState decoded = ManifestCodec.decode(KEY, 3, bytes).state();
    assertThat(decoded).isEqualTo(CLONE);
    assertThat(decoded.sortedRuns().get(0).tables().get(1).home()).isEqualTo("older/db");
    assertThat(decoded.l0().get(0).isBorrowed()).isFalse();
  }

  @Test
  void aManifestWithoutPinsKeepsItsOlderBytes() {
    ManifestState plain =
        ManifestState.initial().toBuilder().l0(List.of(table("t", "a", "b"))).build();
    byte[] bytes = ManifestCodec.encode(3, plain, WRITE_ID);
    assertThat(indexOfField(bytes, ManifestCodec.TAG_CLONE)).isNegative();
    assertThat(ByteBuffer.wrap(bytes, 6, 2).getShort()).isEqualTo((short) 1);
  }

  @Test
  void aStateNeverBorrowsATableWithoutAPinThatKeepsIt() {
    assertThatThrownBy(() -> CLONE.toBuilder().clonePins(List.of()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no clone pin");
  }

  @Test
  void aHomeNamingAnUnlistedTableIsCorrupt() {
    ManifestState fewer =
        CLONE.toBuilder().l0(List.of(table("own", "a", "b"))).sortedRuns(List.of()).build();
    byte[] good = ManifestCodec.encode(3, fewer, WRITE_ID);
    byte[] field =
        ManifestBytes.fieldValue(ManifestCodec.encode(3, CLONE, WRITE_ID), ManifestCodec.TAG_CLONE);
    byte[] bad =
        ManifestBytes.withExtraField(
            withoutField(good, ManifestCodec.TAG_CLONE), ManifestCodec.TAG_CLONE, field);
    assertThatThrownBy(() -> ManifestCodec.decode(KEY, 3, bad))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("not listed");
  }

  @Test
  void aBuildWithoutTheFieldWouldRefuseIt() {
    // What an older build does with any unknown critical field: too new, not corrupt.
    byte[] bytes =
        ManifestBytes.withExtraField(
            ManifestCodec.encode(3, ManifestState.initial(), WRITE_ID), 0x800F, new byte[0]);
    assertThatThrownBy(() -> ManifestCodec.decode(KEY, 3, bytes))
        .isInstanceOf(UnsupportedFormatException.class);
  }

  @Test
  void noPublishBorrowsATableAnewAndNoRoleTouchesThePins() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    ManifestStore manifests = new ManifestStore(store, "dst");
    assertThat(manifests.create(CLONE)).isPresent();
    assertThat(manifests.create(CLONE)).isEmpty(); // version 1 exists
    assertThatThrownBy(
            () ->
                manifests.publish(
                    s -> s.toBuilder().addL0(table("new", "x", "y").withHome("src")).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("borrowed anew");
    FenceableManifest writer = FenceableManifest.openWriter(manifests);
    ClonePin other = new ClonePin("other", new UUID(5, 6), 2);
    assertThatThrownBy(
            () -> writer.update(s -> s.toBuilder().clonePins(List.of(PIN, other)).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clone pins");
    // Without a role (the clone's collector) the pins may go once nothing is borrowed.
    Manifest released =
        manifests.publish(
            s ->
                s.toBuilder()
                    .l0(List.of(table("own", "a", "b")))
                    .sortedRuns(List.of())
                    .clonePins(List.of())
                    .build());
    assertThat(released.state().clonePins()).isEmpty();
    assertThat(manifests.readLatest().orElseThrow().state()).isEqualTo(released.state());
  }

  @Test
  void aCheckpointAlongsideAnotherPinsTheSameVersionOrFailsIfItIsGone() {
    ManifestStore manifests = new ManifestStore(new InMemoryObjectStore(), "src");
    manifests.publish(s -> s);
    Manifest first = manifests.addCheckpoint(new UUID(0, 1), "user", null);
    assertThat(first.state().checkpoints().get(0).manifestId()).isEqualTo(first.id());
    manifests.publish(s -> s);
    Manifest second = manifests.addCheckpoint(new UUID(0, 2), "clone:x", new UUID(0, 1));
    assertThat(second.state().checkpoints().get(1).manifestId()).isEqualTo(first.id());
    assertThatThrownBy(() -> manifests.addCheckpoint(new UUID(0, 3), "clone:y", new UUID(0, 9)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("gone");
  }
}
