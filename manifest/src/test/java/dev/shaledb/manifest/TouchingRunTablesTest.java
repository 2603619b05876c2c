package dev.shaledb.manifest;

import static dev.shaledb.manifest.ManifestBytes.fieldLength;
import static dev.shaledb.manifest.ManifestBytes.indexOfField;
import static dev.shaledb.manifest.TestStates.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Sorted runs whose neighbouring tables touch (manifest 1.3): they are written with the critical
 * field 0x800B and minor version 3, so that older builds refuse them as too new rather than call
 * them corrupt; manifests without touching tables keep their exact bytes.
 */
class TouchingRunTablesTest {
  private static final String KEY = ManifestKeys.key("db", 3);
  private static final UUID WRITE_ID = new UUID(1, 2);

  private static final ManifestState TOUCHING =
      ManifestState.initial().toBuilder()
          .sortedRuns(
              List.of(
                  SortedRun.of(table("r1", "a", "z")),
                  SortedRun.of(table("r2a", "a", "f"), table("r2b", "f", "k"))))
          .build();

  private static final ManifestState DISJOINT =
      ManifestState.initial().toBuilder()
          .sortedRuns(List.of(SortedRun.of(table("r2a", "a", "e"), table("r2b", "f", "k"))))
          .build();

  @Test
  void touchingRunsRoundTripWithTheCriticalFieldAndMinorVersion3() {
    byte[] bytes = ManifestCodec.encode(3, TOUCHING, WRITE_ID);
    assertThat(ManifestCodec.TAG_TOUCHING_RUN_TABLES).isEqualTo(0x800B);
    assertThat(indexOfField(bytes, ManifestCodec.TAG_TOUCHING_RUN_TABLES)).isPositive();
    assertThat(fieldLength(bytes, ManifestCodec.TAG_TOUCHING_RUN_TABLES)).isZero();
    assertThat(minor(bytes)).isEqualTo(3);
    assertThat(ManifestCodec.decode(KEY, 3, bytes).state()).isEqualTo(TOUCHING);
  }

  @Test
  void touchingTakesPrecedenceOverTheFloorForTheMinorVersion() {
    ManifestState both = TOUCHING.toBuilder().condemnedThrough("t9").build();
    byte[] bytes = ManifestCodec.encode(3, both, WRITE_ID);
    assertThat(minor(bytes)).isEqualTo(3);
    assertThat(ManifestCodec.decode(KEY, 3, bytes).state()).isEqualTo(both);
    assertThat(
            minor(
                ManifestCodec.encode(
                    3, DISJOINT.toBuilder().condemnedThrough("t9").build(), WRITE_ID)))
        .isEqualTo(2);
  }

  @Test
  void withoutTouchingRunsTheFieldIsAbsentAndTheBytesStay11() {
    byte[] bytes = ManifestCodec.encode(3, DISJOINT, WRITE_ID);
    assertThat(indexOfField(bytes, ManifestCodec.TAG_TOUCHING_RUN_TABLES)).isEqualTo(-1);
    assertThat(minor(bytes)).isEqualTo(1);
    assertThat(ManifestCodec.decode(KEY, 3, bytes).state()).isEqualTo(DISJOINT);
  }

  @Test
  void touchingRunsWithoutTheFieldAreCorrupt() {
    byte[] encoded = ManifestCodec.encode(3, TOUCHING, WRITE_ID);
    byte[] bytes = ManifestBytes.withoutField(encoded, ManifestCodec.TAG_TOUCHING_RUN_TABLES);
    assertThatThrownBy(() -> ManifestCodec.decode(KEY, 3, bytes))
        .isInstanceOfSatisfying(
            CorruptObjectException.class,
            e ->
                assertThat(e.offset())
                    .isEqualTo(indexOfField(bytes, ManifestCodec.TAG_SORTED_RUNS)))
        .hasMessageContaining("tables touch")
        .hasMessageContaining("0x800b");
  }

  @Test
  void theFieldWithAValueIsCorrupt() {
    byte[] encoded = ManifestCodec.encode(3, TOUCHING, WRITE_ID);
    byte[] without = ManifestBytes.withoutField(encoded, ManifestCodec.TAG_TOUCHING_RUN_TABLES);
    byte[] bytes =
        ManifestBytes.withExtraField(without, ManifestCodec.TAG_TOUCHING_RUN_TABLES, new byte[1]);
    assertThatThrownBy(() -> ManifestCodec.decode(KEY, 3, bytes))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("touching run tables")
        .hasMessageContaining("1 bytes, expected none");
  }

  @Test
  void theFieldWithoutTouchingRunsIsAcceptedAndNotWrittenBack() {
    byte[] plain = ManifestCodec.encode(3, DISJOINT, WRITE_ID);
    byte[] bytes =
        ManifestBytes.withExtraField(plain, ManifestCodec.TAG_TOUCHING_RUN_TABLES, new byte[0]);
    ManifestState decoded = ManifestCodec.decode(KEY, 3, bytes).state();
    assertThat(decoded).isEqualTo(DISJOINT);
    assertThat(ManifestCodec.encode(3, decoded, WRITE_ID)).isEqualTo(plain);
  }

  private static int minor(byte[] bytes) {
    return ByteBuffer.wrap(bytes, 6, 2).getShort();
  }
}
