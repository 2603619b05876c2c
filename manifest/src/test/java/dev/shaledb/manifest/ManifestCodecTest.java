package dev.shaledb.manifest;

import static dev.shaledb.manifest.ManifestBytes.indexOfField;
import static dev.shaledb.manifest.ManifestBytes.reseal;
import static dev.shaledb.manifest.ManifestBytes.sealed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.UnsupportedFormatException;
import dev.shaledb.testing.Seeds;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {
  private static final long ID = 1;
  private static final String KEY = ManifestKeys.key("db", ID);
  private static final UUID WRITE_ID = new UUID(1, 2);

  @Test
  void randomStatesRoundTrip() {
    Seeds.Gen gen = Seeds.gen("ManifestCodecTest.randomStatesRoundTrip");
    for (int i = 0; i < 300; i++) {
      ManifestState state = TestStates.random(gen);
      UUID writeId = new UUID(gen.random().nextLong(), gen.random().nextLong());
      ManifestCodec.Decoded decoded =
          ManifestCodec.decode(KEY, ID, ManifestCodec.encode(ID, state, writeId));
      assertThat(decoded.state()).as("%s", gen).isEqualTo(state);
      assertThat(decoded.writeId()).isEqualTo(writeId);
    }
  }

  @Test
  void roundTripKeepsTheId() {
    byte[] bytes = ManifestCodec.encode(7, ManifestState.initial(), WRITE_ID);
    ManifestCodec.Decoded decoded = ManifestCodec.decode(ManifestKeys.key("db", 7), 7, bytes);
    assertThat(decoded.recordedId()).hasValue(7);
    assertThat(decoded.writeId()).isEqualTo(WRITE_ID);
  }

  @Test
  void aManifestReadAsAnotherVersionIsCorrupt() {
    // Intact bytes of version 3, returned for a read of version 4: valid state, wrong version.
    byte[] three = ManifestCodec.encode(3, TestStates.random(Seeds.gen("wrongId")), WRITE_ID);
    String key = ManifestKeys.key("db", 4);
    assertThatThrownBy(() -> ManifestCodec.decode(key, 4, three))
        .isInstanceOfSatisfying(
            CorruptObjectException.class,
            e -> {
              assertThat(e.key()).isEqualTo(key);
              assertThat(e.offset()).isEqualTo(idValueOffset(three));
            })
        .hasMessageContaining("holds manifest 3, not manifest 4");
  }

  @Test
  void anIdCarriedForwardByA10WriterIsIgnored() {
    // A 1.0 build keeps the id field of version 3 as an unknown optional field and writes it,
    // unchanged, into version 4 under its own fresh write id.
    UUID older = new UUID(3, 3);
    byte[] four = ManifestCodec.encode(4, ManifestState.initial(), WRITE_ID);
    ByteBuffer.wrap(four)
        .putLong(idValueOffset(four), 3)
        .putLong(idValueOffset(four) + 8, older.getMostSignificantBits())
        .putLong(idValueOffset(four) + 16, older.getLeastSignificantBits());
    reseal(four);
    ManifestCodec.Decoded decoded = ManifestCodec.decode(ManifestKeys.key("db", 4), 4, four);
    assertThat(decoded.recordedId()).isEmpty();
    assertThat(decoded.state()).isEqualTo(ManifestState.initial());
    // This build publishes version 5 without the stale field, with its own.
    assertThat(decoded.state().unknownFields().isEmpty()).isTrue();
  }

  @Test
  void aManifestWithoutItsIdDecodesUnderAnyId() {
    byte[] bytes = withoutField(ManifestCodec.encode(ID, ManifestState.initial(), WRITE_ID));
    for (long id : new long[] {1, 2, 1000}) {
      ManifestCodec.Decoded decoded = ManifestCodec.decode(ManifestKeys.key("db", id), id, bytes);
      assertThat(decoded.recordedId()).isEmpty();
      assertThat(decoded.state()).isEqualTo(ManifestState.initial());
    }
  }

  @Test
  void aManifestIdFieldOfTheWrongLengthIsCorrupt() {
    byte[] bytes = withoutField(ManifestCodec.encode(ID, ManifestState.initial(), WRITE_ID));
    BigEndianSink out = new BigEndianSink(bytes.length + 16);
    out.bytes(bytes, 0, bytes.length - 4);
    out.u16(ManifestCodec.TAG_MANIFEST_ID).u32(8).u64(ID);
    out.patchU32(8, out.size() - ManifestCodec.HEADER_BYTES);
    byte[] shortField = sealed(out);
    assertThatThrownBy(() -> ManifestCodec.decode(KEY, ID, shortField))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("manifest id");
  }

  @Test
  void everySingleByteFlipIsDetected() {
    Seeds.Gen gen = Seeds.gen("ManifestCodecTest.everySingleByteFlipIsDetected");
    byte[] good = ManifestCodec.encode(ID, TestStates.random(gen), WRITE_ID);
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= (byte) (1 << gen.intBetween(0, 7));
      assertThatThrownBy(() -> ManifestCodec.decode(KEY, ID, bad))
          .as("flip at %d, %s", i, gen)
          .isInstanceOf(CorruptObjectException.class)
          .hasMessageContaining(KEY);
    }
  }

  @Test
  void everyTruncationIsDetected() {
    byte[] good = ManifestCodec.encode(ID, ManifestState.initial(), WRITE_ID);
    for (int length = 1; length < good.length; length++) {
      byte[] torn = Arrays.copyOf(good, length);
      assertThatThrownBy(() -> ManifestCodec.decode(KEY, ID, torn))
          .as("length %d", length)
          .isInstanceOf(CorruptObjectException.class);
    }
  }

  @Test
  void badMagicIsCorruptAtOffsetZero() {
    byte[] bytes = ManifestCodec.encode(ID, ManifestState.initial(), WRITE_ID);
    bytes[0] = 'X';
    assertThatThrownBy(() -> ManifestCodec.decode(KEY, ID, bytes))
        .isInstanceOfSatisfying(CorruptObjectException.class, e -> assertThat(e.offset()).isZero())
        .hasMessageContaining("magic");
  }

  @Test
  void newerMajorVersionIsUnsupported() {
    byte[] bytes = ManifestCodec.encode(ID, ManifestState.initial(), WRITE_ID);
    bytes[5] = 2; // major version 2, with a valid checksum
    reseal(bytes);
    assertThatThrownBy(() -> ManifestCodec.decode(KEY, ID, bytes))
        .isInstanceOfSatisfying(
            UnsupportedFormatException.class,
            e -> {
              assertThat(e.foundVersion()).isEqualTo(2);
              assertThat(e.supportedVersion()).isEqualTo(1);
              assertThat(e.key()).isEqualTo(KEY);
            });
  }

  @Test
  void unknownOptionalFieldsArePreserved() {
    TreeMap<Integer, ByteBuffer> extra = new TreeMap<>();
    extra.put(0x0042, ByteBuffer.wrap(new byte[] {1, 2, 3}));
    extra.put(0x7fff, ByteBuffer.wrap(new byte[0]));
    ManifestState state =
        new ManifestState(
            3,
            4,
            5,
            6,
            7,
            java.util.List.of(),
            java.util.List.of(),
            java.util.List.of(),
            new UnknownFields(extra));
    ManifestState decoded =
        ManifestCodec.decode(KEY, ID, ManifestCodec.encode(ID, state, WRITE_ID)).state();
    assertThat(decoded).isEqualTo(state);
    // A change made by this build carries them on.
    ManifestState changed = decoded.toBuilder().lastFlushedSeq(99).build();
    assertThat(
            ManifestCodec.decode(KEY, ID, ManifestCodec.encode(ID, changed, WRITE_ID))
                .state()
                .unknownFields())
        .isEqualTo(new UnknownFields(extra));
  }

  @Test
  void unknownCriticalFieldIsUnsupported() {
    byte[] bytes = withExtraField(ManifestCodec.CRITICAL | 0x0100, new byte[] {9});
    assertThatThrownBy(() -> ManifestCodec.decode(KEY, ID, bytes))
        .isInstanceOf(UnsupportedFormatException.class)
        .hasMessageContaining("critical field 0x8100");
  }

  @Test
  void duplicateFieldIsCorrupt() {
    byte[] bytes = withExtraField(ManifestCodec.TAG_WRITER_EPOCH, new byte[8]);
    assertThatThrownBy(() -> ManifestCodec.decode(KEY, ID, bytes))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("twice");
  }

  @Test
  void missingFieldIsCorrupt() {
    // Build a manifest by hand with only the write id.
    BigEndianSink out = new BigEndianSink(64);
    out.u32(ManifestCodec.MAGIC).u16(1).u16(0).u32(22);
    out.u16(ManifestCodec.TAG_WRITE_ID).u32(16).u64(1).u64(2);
    byte[] bytes = sealed(out);
    assertThatThrownBy(() -> ManifestCodec.decode(KEY, ID, bytes))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void invalidStateIsCorruptNotIllegalArgument() {
    ManifestState state = ManifestState.initial();
    byte[] bytes = ManifestCodec.encode(ID, state, WRITE_ID);
    // nextWalId (1) equal to flushedWalId: patch flushedWalId to 1.
    int at = indexOfField(bytes, ManifestCodec.TAG_FLUSHED_WAL_ID);
    bytes[at + 6 + 7] = 1;
    reseal(bytes);
    assertThatThrownBy(() -> ManifestCodec.decode(KEY, ID, bytes))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("nextWalId");
  }

  @Test
  void unknownFieldsRejectKnownOrCriticalTags() {
    TreeMap<Integer, ByteBuffer> bad = new TreeMap<>();
    bad.put(ManifestCodec.TAG_L0, ByteBuffer.allocate(1));
    assertThatThrownBy(() -> new UnknownFields(bad)).isInstanceOf(IllegalArgumentException.class);
    TreeMap<Integer, ByteBuffer> knownOptional = new TreeMap<>();
    knownOptional.put(ManifestCodec.TAG_MANIFEST_ID, ByteBuffer.allocate(24));
    assertThatThrownBy(() -> new UnknownFields(knownOptional))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void encodeRefusesANonPositiveId() {
    assertThatThrownBy(() -> ManifestCodec.encode(0, ManifestState.initial(), WRITE_ID))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** The bytes as a 1.0 writer would have written them: without the manifest id field. */
  private static byte[] withoutField(byte[] bytes) {
    byte[] without = ManifestBytes.withoutField(bytes, ManifestCodec.TAG_MANIFEST_ID);
    without[7] = 0; // minor version 0 (a u16 at offset 6)
    reseal(without);
    return without;
  }

  private static int idValueOffset(byte[] bytes) {
    return indexOfField(bytes, ManifestCodec.TAG_MANIFEST_ID) + 6;
  }

  private static byte[] withExtraField(int tag, byte[] value) {
    byte[] base = ManifestCodec.encode(ID, ManifestState.initial(), WRITE_ID);
    return ManifestBytes.withExtraField(base, tag, value);
  }
}
