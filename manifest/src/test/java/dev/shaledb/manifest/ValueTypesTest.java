package dev.shaledb.manifest;

import static dev.shaledb.manifest.TestStates.table;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ValueTypesTest {
  private static final byte[] A = "a".getBytes(UTF_8);
  private static final byte[] B = "b".getBytes(UTF_8);

  @Test
  void tableInfoValidatesItsFields() {
    assertThatThrownBy(() -> new TableInfo(null, 1, A, B, 0, 0, 0))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("id is null");
    assertThatThrownBy(() -> new TableInfo("bad/id", 1, A, B, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad/id");
    assertThatThrownBy(() -> new TableInfo("x".repeat(65), 1, A, B, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TableInfo("t", 0, A, B, 0, 0, 0))
        .hasMessageContaining("sizeBytes");
    assertThatThrownBy(() -> new TableInfo("t", 1, new byte[0], B, 0, 0, 0))
        .hasMessageContaining("smallestKey length 0");
    assertThatThrownBy(() -> new TableInfo("t", 1, A, new byte[65_536], 0, 0, 0))
        .hasMessageContaining("largestKey length 65536");
    assertThatThrownBy(() -> new TableInfo("t", 1, B, A, 0, 0, 0))
        .hasMessageContaining("sorts after");
    assertThatThrownBy(() -> new TableInfo("t", 1, A, B, -1, 0, 0)).hasMessageContaining("minSeq");
    assertThatThrownBy(() -> new TableInfo("t", 1, A, B, 5, 4, 0)).hasMessageContaining("maxSeq");
  }

  @Test
  void tableInfoKeysAreCopiedAndComparedByContent() {
    byte[] lo = "a".getBytes(UTF_8);
    TableInfo t = new TableInfo("01J0-ULID_x", 10, lo, B, 1, 2, 3);
    lo[0] = 'z';
    assertThat(t.smallestKey()).isEqualTo(A);
    t.smallestKey()[0] = 'q';
    assertThat(t.smallestKey()).isEqualTo(A);
    assertThat(t).isEqualTo(new TableInfo("01J0-ULID_x", 10, A, B, 1, 2, 3));
    assertThat(t.hashCode()).isEqualTo(new TableInfo("01J0-ULID_x", 10, A, B, 1, 2, 3).hashCode());
    assertThat(t.toString()).contains("61", "62");
  }

  @Test
  void keysCompareUnsigned() {
    byte[] high = {(byte) 0x80};
    byte[] low = {0x7f};
    assertThatThrownBy(() -> new TableInfo("t", 1, high, low, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    TableInfo middle = new TableInfo("t", 1, low, high, 0, 0, 0);
    assertThat(middle.overlaps(new TableInfo("u", 1, new byte[] {0}, new byte[] {-1}, 0, 0, 0)))
        .isTrue();
    assertThat(middle.overlaps(table("u", "a", "b"))).isFalse();
  }

  @Test
  void tableIdsNameEveryTableOfL0AndTheRuns() {
    ManifestState state =
        ManifestState.initial().toBuilder()
            .addL0(table("l0", "a", "z"))
            .sortedRuns(
                List.of(
                    SortedRun.of(table("r1a", "a", "c"), table("r1b", "d", "f")),
                    SortedRun.of(table("r2", "a", "z"))))
            .build();
    assertThat(state.tableIds()).containsExactlyInAnyOrder("l0", "r1a", "r1b", "r2");
    assertThat(ManifestState.initial().tableIds()).isEmpty();
  }

  @Test
  void sortedRunRequiresDisjointAscendingTables() {
    assertThatThrownBy(() -> new SortedRun(List.of())).hasMessageContaining("no tables");
    assertThatThrownBy(() -> SortedRun.of(table("a", "a", "c"), table("b", "b", "d")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tables of a sorted run overlap or are out of order: a ends after b starts");
    assertThatThrownBy(() -> SortedRun.of(table("a", "m", "n"), table("b", "a", "b")))
        .hasMessageContaining("out of order");
    SortedRun run = SortedRun.of(table("a", "a", "b"), table("b", "c", "d"));
    assertThat(run.sizeBytes()).isEqualTo(200);
    assertThat(run.hasTouchingTables()).isFalse();
  }

  @Test
  void sortedRunAcceptsTouchingNeighbours() {
    // "a" ends at the exclusive bound "c" (a range tombstone cut there); "b" starts at "c".
    SortedRun touching =
        SortedRun.of(table("a", "a", "c"), table("b", "c", "d"), table("c", "e", "f"));
    assertThat(touching.hasTouchingTables()).isTrue();
    assertThat(SortedRun.of(table("a", "a", "c"), table("b", "d", "e"), table("c", "e", "f")))
        .as("touching at the second boundary only")
        .satisfies(run -> assertThat(run.hasTouchingTables()).isTrue());
    assertThat(SortedRun.of(table("a", "a", "c")).hasTouchingTables()).isFalse();
    // Touching does not relax overlap further down the run.
    assertThatThrownBy(
            () -> SortedRun.of(table("a", "a", "c"), table("b", "c", "e"), table("c", "d", "f")))
        .hasMessageContaining("b ends after c starts");
  }

  @Test
  void checkpointValidatesAndExpires() {
    UUID id = new UUID(0, 1);
    assertThatThrownBy(() -> new Checkpoint(null, 1, null, "")).hasMessage("id is null");
    assertThatThrownBy(() -> new Checkpoint(id, 0, null, "")).hasMessageContaining("manifestId");
    assertThatThrownBy(() -> new Checkpoint(id, 1, null, null)).hasMessage("name is null");
    assertThatThrownBy(() -> new Checkpoint(id, 1, null, "é".repeat(128)))
        .hasMessageContaining("256 UTF-8 bytes");
    Checkpoint c = new Checkpoint(id, 1, Instant.ofEpochSecond(100), "nightly");
    assertThat(c.isExpired(Instant.ofEpochSecond(99))).isFalse();
    assertThat(c.isExpired(Instant.ofEpochSecond(100))).isTrue();
    assertThat(new Checkpoint(id, 1, null, "").isExpired(Instant.MAX)).isFalse();
  }

  @Test
  void manifestStateValidates() {
    ManifestState s = ManifestState.initial();
    assertThat(s.nextWalId()).isEqualTo(1);
    assertThat(s.replayStartWalId()).isEqualTo(1);
    assertThatThrownBy(() -> s.toBuilder().writerEpoch(-1).build())
        .hasMessageContaining("writerEpoch");
    assertThatThrownBy(() -> s.toBuilder().flushedWalId(5).nextWalId(5).build())
        .hasMessageContaining("nextWalId 5 is not above flushedWalId 5");
    assertThatThrownBy(
            () -> s.toBuilder().addL0(table("a", "a", "b")).addL0(table("a", "c", "d")).build())
        .hasMessageContaining("listed twice");
    assertThatThrownBy(
            () ->
                s.toBuilder()
                    .addL0(table("a", "a", "b"))
                    .sortedRuns(List.of(SortedRun.of(table("a", "a", "b"))))
                    .build())
        .hasMessageContaining("listed twice");
    Checkpoint cp = new Checkpoint(new UUID(1, 1), 1, null, "");
    assertThatThrownBy(() -> s.toBuilder().addCheckpoint(cp).addCheckpoint(cp).build())
        .hasMessageContaining("checkpoint id");
    assertThatThrownBy(() -> s.toBuilder().l0(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void builderDerivesChangedCopies() {
    ManifestState s =
        ManifestState.initial().toBuilder()
            .addL0(table("old", "a", "b"))
            .addL0(table("new", "a", "b"))
            .flushedWalId(3)
            .nextWalId(7)
            .lastFlushedSeq(9)
            .build();
    assertThat(s.l0()).extracting(TableInfo::id).containsExactly("new", "old");
    assertThat(s.withEpoch(Role.WRITER, 4).epoch(Role.WRITER)).isEqualTo(4);
    assertThat(s.withEpoch(Role.COMPACTOR, 5).epoch(Role.COMPACTOR)).isEqualTo(5);
    assertThat(s.withEpoch(Role.COMPACTOR, 5).epoch(Role.WRITER)).isZero();
    assertThat(s.l0()).isUnmodifiable();
  }

  @Test
  void manifestKeysFormatAndParse() {
    assertThat(ManifestKeys.key("", 1)).isEqualTo("manifest/00000000000000000001.manifest");
    assertThat(ManifestKeys.key("a/b", 42)).isEqualTo("a/b/manifest/00000000000000000042.manifest");
    assertThat(ManifestKeys.parseId("a/b", "a/b/manifest/00000000000000000042.manifest"))
        .hasValue(42);
    assertThat(ManifestKeys.parseId("a/b", "a/b/manifest/0000000000000000004x.manifest")).isEmpty();
    assertThat(ManifestKeys.parseId("a/b", "a/c/manifest/00000000000000000042.manifest")).isEmpty();
    assertThat(ManifestKeys.parseId("", "manifest/00000000000000000000.manifest")).isEmpty();
    assertThat(ManifestKeys.parseId("", "manifest/99999999999999999999.manifest")).isEmpty();
    assertThatThrownBy(() -> ManifestKeys.key("", 0)).hasMessageContaining("not positive");
    assertThatThrownBy(() -> ManifestKeys.validateDbPath("a/")).hasMessageContaining("ends with");
    assertThatThrownBy(() -> ManifestKeys.validateDbPath("a//b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ManifestKeys.validateDbPath("x".repeat(1000)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ManifestKeys.validateDbPath(null)).hasMessage("dbPath is null");
  }
}
