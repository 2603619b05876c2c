package dev.shaledb.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Manifest golden files, checked in under src/test/resources/golden/ and read by every build
 * forever after: existing databases hold manifests in these exact forms, so they must keep
 * decoding. The files' checksums are pinned too, so a regeneration shows up in review. A file is
 * frozen once its version is superseded; regenerate only the current version's file, and only for a
 * deliberate format change: {@code mvn -pl manifest test -Dtest=ManifestGoldenTest
 * -Dshaledb.regenerateGolden=true}.
 */
class ManifestGoldenTest {
  private static final Path DIR = Path.of("src/test/resources/golden");
  private static final long ID = 7;
  private static final String KEY = ManifestKeys.key("golden", ID);
  private static final UUID WRITE_ID = new UUID(0x0123456789ABCDEFL, 0xFEDCBA9876543210L);

  /** Format 1.0 (frozen): written before manifests recorded their own id, as version 7. */
  private static final String V1_0 = "manifest-v1.0.bin";

  private static final int V1_0_CRC32C = 0x56C5EA80;

  /** Format 1.1, the current one: the same state, recording that it is version 7. */
  private static final String V1_1 = "manifest-v1.1.bin";

  private static final int V1_1_CRC32C = 0xC8889B1D;

  @Test
  void version10ReadsBackExactlyUnderAnyId() {
    byte[] bytes = resource(V1_0);
    assertThat(crc(bytes)).as(V1_0 + " checksum").isEqualTo(V1_0_CRC32C);
    // It does not say which version it is, so nothing can be checked: every id accepts it.
    for (long id : new long[] {ID, 1, 8}) {
      ManifestCodec.Decoded decoded =
          ManifestCodec.decode(ManifestKeys.key("golden", id), id, bytes);
      assertThat(decoded.state()).isEqualTo(state());
      assertThat(decoded.writeId()).isEqualTo(WRITE_ID);
      assertThat(decoded.recordedId()).isEmpty();
    }
  }

  @Test
  void version11ReadsBackExactlyUnderItsOwnIdOnly() {
    byte[] bytes = resource(V1_1);
    assertThat(crc(bytes)).as(V1_1 + " checksum").isEqualTo(V1_1_CRC32C);
    ManifestCodec.Decoded decoded = ManifestCodec.decode(KEY, ID, bytes);
    assertThat(decoded.state()).isEqualTo(state());
    assertThat(decoded.writeId()).isEqualTo(WRITE_ID);
    assertThat(decoded.recordedId()).hasValue(ID);
    String eight = ManifestKeys.key("golden", 8);
    assertThatThrownBy(() -> ManifestCodec.decode(eight, 8, bytes))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining(eight)
        .hasMessageContaining("holds manifest 7, not manifest 8");
  }

  @Test
  void theWriterStillProducesTheVersion11GoldenBytes() {
    assertThat(ManifestCodec.encode(ID, state(), WRITE_ID)).isEqualTo(resource(V1_1));
  }

  @Test
  @EnabledIfSystemProperty(named = "shaledb.regenerateGolden", matches = "true")
  void regenerateGoldenFile() throws IOException {
    Files.createDirectories(DIR);
    byte[] bytes = ManifestCodec.encode(ID, state(), WRITE_ID);
    Files.write(DIR.resolve(V1_1), bytes);
    System.out.printf("[golden] %s %d bytes crc32c 0x%08X%n", V1_1, bytes.length, crc(bytes));
  }

  /**
   * The golden state, written out literally: every field non-trivial, a table in L0 and in a run,
   * checkpoints with and without expiry (one with a non-ASCII name), and an optional field from a
   * newer minor version that must be carried along.
   */
  static ManifestState state() {
    TableInfo l0 = table("01J0L0AAAAAAAAAAAAAAAAAAAA", "apple", "melon", 900, 1000);
    TableInfo runLow = table("01J0RUNLOWAAAAAAAAAAAAAAAA", "a", "m", 1, 499);
    TableInfo runHigh = table("01J0RUNHIGHAAAAAAAAAAAAAAA", "n", "zz", 2, 500);
    TreeMap<Integer, ByteBuffer> optional = new TreeMap<>();
    optional.put(0x0042, ByteBuffer.wrap(new byte[] {1, 2, 3}));
    return new ManifestState(
        12,
        5,
        40,
        43,
        1000,
        List.of(l0),
        List.of(SortedRun.of(runLow, runHigh)),
        List.of(
            new Checkpoint(new UUID(7, 8), 6, null, "nightly"),
            new Checkpoint(new UUID(9, 10), 7, Instant.ofEpochSecond(1_750_000_000L, 5), "vor-ü")),
        new UnknownFields(optional));
  }

  private static TableInfo table(
      String id, String smallest, String largest, long minSeq, long maxSeq) {
    return new TableInfo(
        id,
        4096 + maxSeq,
        smallest.getBytes(StandardCharsets.US_ASCII),
        largest.getBytes(StandardCharsets.US_ASCII),
        minSeq,
        maxSeq,
        (int) (0x9E3779B9L * maxSeq));
  }

  private static byte[] resource(String file) {
    try (InputStream in = ManifestGoldenTest.class.getResourceAsStream("/golden/" + file)) {
      assertThat(in).as("golden file " + file + " is on the test classpath").isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int crc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return (int) crc.getValue();
  }
}
