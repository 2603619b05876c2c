package dev.shaledb.manifest;

import static dev.shaledb.manifest.TestStates.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.FencedException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.testing.stores.CountingObjectStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class FenceableManifestTest {
  private final InMemoryObjectStore memory = new InMemoryObjectStore();

  private ManifestStore newStore() {
    return new ManifestStore(memory, "db");
  }

  @Test
  void openCreatesTheDatabaseAndRaisesTheEpoch() {
    FenceableManifest first = FenceableManifest.openWriter(newStore());
    assertThat(first.epoch()).isEqualTo(1);
    assertThat(first.latest().id()).isEqualTo(1);
    FenceableManifest second = FenceableManifest.openWriter(newStore());
    assertThat(second.epoch()).isEqualTo(2);
    assertThat(second.latest().state().compactorEpoch()).isZero();
    assertThat(second.role()).isEqualTo(Role.WRITER);
  }

  @Test
  void aNewerWriterFencesTheOlderOnUpdateAndRefresh() {
    FenceableManifest old = FenceableManifest.openWriter(newStore());
    FenceableManifest current = FenceableManifest.openWriter(newStore());
    assertThatThrownBy(() -> old.update(s -> s.toBuilder().lastFlushedSeq(5).build()))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("writer epoch 1 was superseded by epoch 2");
    assertThat(old.isFenced()).isTrue();
    assertThat(current.update(s -> s.toBuilder().lastFlushedSeq(5).build()).id()).isEqualTo(3);

    FenceableManifest stale = FenceableManifest.openWriter(newStore());
    FenceableManifest.openWriter(newStore());
    assertThatThrownBy(stale::refresh).isInstanceOf(FencedException.class);
  }

  @Test
  void aFencedHolderNeverTouchesTheStoreAgain() {
    CountingObjectStore counting = new CountingObjectStore(memory);
    FenceableManifest old = FenceableManifest.openWriter(new ManifestStore(counting, "db"));
    FenceableManifest.openWriter(newStore());
    assertThatThrownBy(() -> old.update(s -> s)).isInstanceOf(FencedException.class);
    counting.reset();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> old.update(s -> s)).isInstanceOf(FencedException.class);
      assertThatThrownBy(old::refresh).isInstanceOf(FencedException.class);
    }
    assertThat(counting.total()).isZero();
  }

  @Test
  void writerAndCompactorHaveIndependentEpochsAndInterleave() {
    FenceableManifest writer = FenceableManifest.openWriter(newStore());
    FenceableManifest compactor = FenceableManifest.openCompactor(newStore());
    assertThat(compactor.epoch()).isEqualTo(1);
    writer.update(s -> s.toBuilder().addL0(table("t1", "a", "c")).build());
    writer.update(
        s -> s.toBuilder().addL0(table("t2", "b", "d")).flushedWalId(4).nextWalId(6).build());
    // The compactor's cached state is stale; its change is re-applied to the latest state.
    Manifest compacted =
        compactor.update(
            s -> {
              List<TableInfo> l0 = s.l0();
              if (l0.isEmpty()) {
                return s;
              }
              TableInfo oldest = l0.get(l0.size() - 1);
              return s.toBuilder()
                  .l0(l0.subList(0, l0.size() - 1))
                  .sortedRuns(List.of(SortedRun.of(oldest)))
                  .build();
            });
    assertThat(compacted.state().l0()).extracting(TableInfo::id).containsExactly("t2");
    assertThat(compacted.state().flushedWalId()).isEqualTo(4);
    Manifest next = writer.update(s -> s.toBuilder().addL0(table("t3", "a", "a")).build());
    assertThat(next.state().sortedRuns()).hasSize(1);
    assertThat(next.state().compactorEpoch()).isEqualTo(1);
    // A new writer does not fence the compactor.
    FenceableManifest.openWriter(newStore());
    assertThat(compactor.update(s -> s).state().writerEpoch()).isEqualTo(2);
  }

  @Test
  void rolesMayOnlyChangeTheirOwnFields() {
    FenceableManifest writer = FenceableManifest.openWriter(newStore());
    writer.update(
        s -> s.toBuilder().addL0(table("t1", "a", "c")).flushedWalId(3).nextWalId(4).build());
    FenceableManifest compactor = FenceableManifest.openCompactor(newStore());
    assertThatThrownBy(() -> writer.update(s -> s.withEpoch(Role.WRITER, 7)))
        .hasMessageContaining("epochs");
    assertThatThrownBy(() -> writer.update(s -> s.withEpoch(Role.COMPACTOR, 7)))
        .hasMessageContaining("epochs");
    assertThatThrownBy(
            () ->
                writer.update(
                    s ->
                        s.toBuilder()
                            .sortedRuns(List.of(SortedRun.of(table("x", "a", "b"))))
                            .build()))
        .hasMessageContaining("sorted runs");
    assertThatThrownBy(() -> writer.update(s -> s.toBuilder().l0(List.of()).build()))
        .hasMessageContaining("remove L0");
    assertThatThrownBy(() -> writer.update(s -> s.toBuilder().flushedWalId(2).build()))
        .hasMessageContaining("flushedWalId moves back");
    assertThatThrownBy(() -> compactor.update(s -> s.toBuilder().nextWalId(9).build()))
        .hasMessageContaining("WAL fields");
    assertThatThrownBy(
            () -> compactor.update(s -> s.toBuilder().addL0(table("y", "a", "b")).build()))
        .hasMessageContaining("add L0");
    assertThatThrownBy(() -> writer.update(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> writer.update(s -> null)).isInstanceOf(NullPointerException.class);
    // None of the rejected changes was published, and neither holder is fenced.
    assertThat(writer.isFenced()).isFalse();
    assertThat(compactor.refresh().id()).isEqualTo(3);
  }

  @Test
  void addCheckpointPinsTheVersionItPublishesEvenAfterLosingARace() {
    FenceableManifest writer = FenceableManifest.openWriter(newStore());
    // Another publisher moves the chain on behind the writer's cached latest (id 1).
    newStore().publish(s -> s);
    java.util.UUID id = new java.util.UUID(1, 2);
    java.time.Instant expireAt = java.time.Instant.parse("2030-01-01T00:00:00Z");
    Manifest published = writer.addCheckpoint(id, expireAt, "nightly");
    assertThat(published.id()).isEqualTo(3);
    assertThat(published.state().checkpoints())
        .containsExactly(new Checkpoint(id, 3, expireAt, "nightly"));
    assertThat(newStore().read(3)).contains(published);
  }

  @Test
  void addCheckpointRejectsABadNameWithoutARequest() {
    CountingObjectStore counting = new CountingObjectStore(memory);
    FenceableManifest writer = FenceableManifest.openWriter(new ManifestStore(counting, "db"));
    counting.reset();
    assertThatThrownBy(() -> writer.addCheckpoint(new java.util.UUID(0, 1), null, "x".repeat(256)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("256 UTF-8 bytes");
    assertThat(counting.total()).isZero();
  }
}
