package dev.shaledb.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.UnknownFields;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * How views adopt manifests and flushes, whichever of the flusher and the compactor comes first.
 */
class DbViewTest {
  private static Manifest manifest(long id, long lastFlushedSeq) {
    ManifestState state =
        new ManifestState(
            0, 0, 0, 1, lastFlushedSeq, List.of(), List.of(), List.of(), UnknownFields.none());
    return new Manifest(id, state, UUID.randomUUID());
  }

  private final DbView.Frozen older = new DbView.Frozen(new Memtable(), 10, 1);
  private final DbView.Frozen newer = new DbView.Frozen(new Memtable(), 20, 2);
  private final DbView view =
      new DbView(new Memtable(), List.of(newer, older), ManifestState.initial(), 1);

  @Test
  void aManifestCoveringAFrozenMemtableDropsItInTheSameStep() {
    // A compaction published after the flush of `older` reaches the view before the flusher does.
    DbView adopted = view.withManifest(manifest(3, 10));
    assertThat(adopted.frozen()).containsExactly(newer);
    assertThat(adopted.manifestId()).isEqualTo(3);
    // The flusher then reports its flush, with the older manifest: nothing more changes.
    DbView flushed = adopted.flushed(older, manifest(2, 10));
    assertThat(flushed.frozen()).containsExactly(newer);
    assertThat(flushed.manifestId()).isEqualTo(3);
  }

  @Test
  void theUsualOrderDropsTheFlushedMemtableOnly() {
    DbView flushed = view.flushed(older, manifest(2, 10));
    assertThat(flushed.frozen()).containsExactly(newer);
    assertThat(view.withManifest(manifest(2, 9)).frozen()).containsExactly(newer, older);
    assertThat(view.withManifest(manifest(2, 20)).frozen()).isEmpty();
  }

  @Test
  void anOlderManifestChangesNothing() {
    DbView adopted = view.withManifest(manifest(3, 10));
    assertThat(adopted.withManifest(manifest(2, 20))).isSameAs(adopted);
  }

  @Test
  void aFlushOfAMemtableTheViewNeverHeldIsABug() {
    DbView.Frozen stranger = new DbView.Frozen(new Memtable(), 30, 3);
    assertThatThrownBy(() -> view.flushed(stranger, manifest(2, 30)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not frozen");
  }
}
