package dev.shaledb.sst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Golden files of every format version, checked in under src/test/resources/golden/ and read by
 * every build forever after: the format cannot drift silently and old tables stay readable. The
 * files' checksums are pinned here too, so a regeneration shows up in review. A new format version
 * adds files (never rewrites old ones): {@code mvn -pl sst-format test -Dtest=GoldenFileTest
 * -Dshaledb.regenerateGolden=true} writes the current version's.
 */
class GoldenFileTest {
  private static final Path DIR = Path.of("src/test/resources/golden");
  private static final String TABLE_ID = "golden";

  private enum Golden {
    V1_NONE(1, "v1-none.sst", Compression.none(), 0x026CE591, true, false),
    V1_LZ4(1, "v1-lz4.sst", Compression.lz4(), 0x92ACBEB1, true, false),
    V1_ZSTD(1, "v1-zstd.sst", Compression.zstd(3), 0x2BE8C811, true, false),
    V2_NONE(2, "v2-none.sst", Compression.none(), 0x7E882AC4, true, false),
    V2_LZ4(2, "v2-lz4.sst", Compression.lz4(), 0xC3E22A2A, true, false),
    V2_ZSTD(2, "v2-zstd.sst", Compression.zstd(3), 0x64389066, true, false),
    V3_NONE(3, "v3-none.sst", Compression.none(), 0x956F5237, true, true),
    V3_TOMBSTONES_ONLY(3, "v3-tombstones-only.sst", Compression.none(), 0xF29DED03, false, true),
    V3_ZSTD(3, "v3-zstd.sst", Compression.zstd(3), 0xEA4365FB, true, true);

    final int version;
    final String file;
    final Compression compression;
    final int crc32c;
    final boolean hasEntries;
    final boolean hasTombstones;

    Golden(
        int version,
        String file,
        Compression compression,
        int crc32c,
        boolean hasEntries,
        boolean hasTombstones) {
      this.version = version;
      this.file = file;
      this.compression = compression;
      this.crc32c = crc32c;
      this.hasEntries = hasEntries;
      this.hasTombstones = hasTombstones;
    }

    SstOptions options() {
      return new SstOptions(512, 4, 10, 0, compression);
    }

    List<SstEntry> entries() {
      return hasEntries ? GoldenFileTest.entries() : List.of();
    }

    List<RangeTombstone> tombstones() {
      return hasTombstones ? GoldenFileTest.tombstones() : List.of();
    }

    byte[] build() {
      return SstTesting.build(options(), entries(), tombstones(), TABLE_ID);
    }
  }

  @Test
  void goldenFilesReadBackExactly() {
    for (Golden g : Golden.values()) {
      List<SstEntry> expected = g.entries();
      TableModel model = new TableModel(expected);
      byte[] bytes = resource(g.file);
      assertThat(crc(bytes)).as(g.file + " checksum").isEqualTo(g.crc32c);
      SstReader reader =
          SstReader.open(
              "golden/" + g.file, TABLE_ID, RangeReader.of(bytes), SstReaderOptions.defaults());
      assertThat(reader.formatVersion()).isEqualTo(g.version);
      assertThat(reader.hasFilter()).isEqualTo(g.hasEntries);
      assertThat(reader.metadata().options()).isEqualTo(g.options());
      assertThat(reader.metadata().entryCount()).isEqualTo(expected.size());
      assertThat(SstTesting.readAll(reader, Long.MAX_VALUE)).as(g.file).isEqualTo(expected);
      for (SstEntry e : expected) {
        assertThat(reader.get(e.key(), e.seq())).as(g.file + " " + e).contains(e);
        assertThat(reader.get(e.key(), Long.MAX_VALUE))
            .isEqualTo(model.get(e.key(), Long.MAX_VALUE));
      }
      RangeTombstones tombstones = RangeTombstones.of(g.tombstones());
      assertThat(reader.rangeTombstones()).as(g.file).isEqualTo(tombstones);
      assertThat(reader.metadata().rangeTombstoneCount()).isEqualTo(tombstones.fragmentCount());
      assertThat(SstReader.verify(g.file, bytes).crc32c()).isEqualTo(g.crc32c);
    }
  }

  @Test
  void theWriterStillProducesTheUncompressedGoldenBytes() {
    for (Golden g : List.of(Golden.V2_NONE, Golden.V3_NONE, Golden.V3_TOMBSTONES_ONLY)) {
      assertThat(g.build()).as(g.file).isEqualTo(resource(g.file));
    }
  }

  @Test
  void theV3GoldenTombstonesOverlapAndStretchTheKeyRange() {
    RangeTombstones t = RangeTombstones.of(tombstones());
    assertThat(t.fragmentCount()).isEqualTo(10);
    assertThat(t.fragmentAt(ascii("user/00050")).seqs()).containsExactly(2_000, 1_050, 900);
    assertThat(t.fragmentAt(ascii("user/00300")))
        .as("touching tombstones with equal seqs, coalesced")
        .isEqualTo(
            new RangeTombstones.Fragment(
                ascii("user/00200"), ascii("user/00400"), new long[] {5_000}));
    SstMetadata m = SstTesting.open(resource(Golden.V3_NONE.file)).metadata();
    assertThat(m.largestKey()).isEqualTo(t.largestEnd());
    assertThat(m.minSeq()).isZero();
  }

  @Test
  void aCurrentTableOpenedAsAnotherTableIsCorrupt() {
    byte[] bytes = resource(Golden.V2_NONE.file);
    assertThatThrownBy(
            () ->
                SstReader.open(
                    "golden/x", "other", RangeReader.of(bytes), SstReaderOptions.defaults()))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("not table 'other'");
  }

  @Test
  @EnabledIfSystemProperty(named = "shaledb.regenerateGolden", matches = "true")
  void regenerateGoldenFiles() throws IOException {
    Files.createDirectories(DIR);
    for (Golden g : Golden.values()) {
      if (g.version != Footer.FORMAT_VERSION) {
        continue;
      }
      byte[] bytes = g.build();
      Files.write(DIR.resolve(g.file), bytes);
      System.out.printf("[golden] %s %d bytes crc32c 0x%08X%n", g.file, bytes.length, crc(bytes));
    }
  }

  /**
   * The golden content, from a fixed formula (no library random generator, whose algorithm could
   * change): shared prefixes, binary keys, a key whose versions span blocks, every kind, expiries,
   * empty and multi-block values, sequence numbers up to 2^63 - 1.
   */
  static List<SstEntry> entries() {
    List<SstEntry> out = new ArrayList<>();
    out.add(SstEntry.put(new byte[] {0x00}, 1, new byte[0]));
    out.add(SstEntry.put(new byte[] {0x00, (byte) 0xFF, 0x00}, 2, value(2, 10)));
    for (int i = 0; i < 120; i++) {
      byte[] key = ascii(String.format("user/%05d/profile", i * 7));
      long seq = 1000 + i;
      switch (i % 10) {
        case 0:
          out.add(SstEntry.put(key, seq, value(i, 40)));
          out.add(SstEntry.delete(key, seq - 500));
          break;
        case 3:
          out.add(SstEntry.merge(key, seq, value(i, 5)).withExpiry(1_750_000_000_000L + i));
          out.add(SstEntry.put(key, seq - 600, value(i + 1, 0)));
          break;
        case 7:
          out.add(SstEntry.put(key, seq, value(i, 700)));
          break;
        default:
          out.add(SstEntry.put(key, seq, value(i, i % 60)));
      }
    }
    byte[] hot = ascii("user/hot");
    for (int v = 40; v >= 1; v--) {
      out.add(SstEntry.put(hot, v * 3L, value(v, 30)));
    }
    out.add(SstEntry.delete(ascii("user/zzz"), Long.MAX_VALUE));
    out.add(SstEntry.put(new byte[] {(byte) 0xFF, (byte) 0xFF}, Long.MAX_VALUE - 1, value(9, 9)));
    return out;
  }

  /**
   * The golden range tombstones: overlapping and nested (three seqs over one fragment), two that
   * touch with equal seqs (coalesced), seqs from 0 to 2^63 - 1, and one ending after the last key,
   * so the table's largest key is its end.
   */
  static List<RangeTombstone> tombstones() {
    return List.of(
        new RangeTombstone(ascii("user/00007"), ascii("user/00070"), 1_050),
        new RangeTombstone(ascii("user/00035"), ascii("user/00140/profile"), 2_000),
        new RangeTombstone(ascii("user/00049"), ascii("user/00056"), 900),
        new RangeTombstone(ascii("user/00200"), ascii("user/00300"), 5_000),
        new RangeTombstone(ascii("user/00300"), ascii("user/00400"), 5_000),
        new RangeTombstone(ascii("user/hot"), ascii("user/hou"), 61),
        new RangeTombstone(ascii("user/zzz"), ascii("user/zzzz"), Long.MAX_VALUE),
        new RangeTombstone(new byte[] {0x00}, new byte[] {0x00, 0x01}, 0),
        new RangeTombstone(
            new byte[] {(byte) 0xFF, (byte) 0xFF}, new byte[] {(byte) 0xFF, (byte) 0xFF, 0x00}, 7));
  }

  private static byte[] value(int seed, int length) {
    byte[] v = new byte[length];
    int x = seed * 2_654_435 + 12_345;
    for (int i = 0; i < length; i++) {
      x = x * 1_103_515_245 + 12_345;
      v[i] = (byte) (i % 4 == 0 ? (x >>> 16) : 'a' + (i % 13));
    }
    return v;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] resource(String file) {
    try (InputStream in = GoldenFileTest.class.getResourceAsStream("/golden/" + file)) {
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
