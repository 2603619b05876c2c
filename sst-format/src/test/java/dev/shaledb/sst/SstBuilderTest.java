package dev.shaledb.sst;

import static dev.shaledb.sst.SstTesting.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class SstBuilderTest {

  @Test
  void rejectsAKeyThatSortsBeforeThePreviousOne() {
    try (SstBuilder builder = SstBuilder.inMemory(SstOptions.defaults(), "table-1")) {
      builder.add(SstEntry.put(key("b"), 1, key("v")));
      assertThatThrownBy(() -> builder.add(SstEntry.put(key("a"), 1, key("v"))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("out of order")
          .hasMessageContaining("0x61")
          .hasMessageContaining("0x62");
      assertThatThrownBy(() -> builder.add(SstEntry.put(key("ab"), 1, key("v"))))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(
              () -> builder.add(SstEntry.put(new byte[] {(byte) 0x62 - 1, 0x7F}, 1, key("v"))))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void comparesKeysAsUnsignedBytes() {
    try (SstBuilder builder = SstBuilder.inMemory(SstOptions.defaults(), "table-1")) {
      builder.add(SstEntry.put(new byte[] {0x7F}, 1, new byte[0]));
      builder.add(SstEntry.put(new byte[] {(byte) 0x80}, 1, new byte[0]));
      builder.add(SstEntry.put(new byte[] {(byte) 0xFF}, 1, new byte[0]));
      assertThatThrownBy(() -> builder.add(SstEntry.put(new byte[] {0x01}, 1, new byte[0])))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void rejectsVersionsOfAKeyThatAreNotNewestFirst() {
    try (SstBuilder builder = SstBuilder.inMemory(SstOptions.defaults(), "table-1")) {
      builder.add(SstEntry.put(key("a"), 5, key("v")));
      assertThatThrownBy(() -> builder.add(SstEntry.delete(key("a"), 5)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("seq 5");
      assertThatThrownBy(() -> builder.add(SstEntry.delete(key("a"), 6)))
          .isInstanceOf(IllegalArgumentException.class);
      builder.add(SstEntry.delete(key("a"), 4));
      SstInfo info = builder.finish();
      assertThat(info.entryCount()).as("rejected entries leave the builder usable").isEqualTo(2);
    }
  }

  @Test
  void validatesArgumentsOfTheAllocationFreeAdd() {
    try (SstBuilder builder = SstBuilder.inMemory(SstOptions.defaults(), "table-1")) {
      assertThatThrownBy(() -> builder.add(null, 1, EntryKind.PUT, new byte[0], -1))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("key is null");
      assertThatThrownBy(() -> builder.add(key("a"), -1, EntryKind.PUT, new byte[0], -1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> builder.add(key("a"), 1, EntryKind.DELETE, new byte[0], -1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> builder.add(key("a"), 1, null, new byte[0], -1))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> builder.add((SstEntry) null))
          .isInstanceOf(NullPointerException.class);
    }
  }

  @Test
  void anEmptyTableCannotBeFinished() {
    try (SstBuilder builder = SstBuilder.inMemory(SstOptions.defaults(), "table-1")) {
      assertThatThrownBy(builder::finish)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("without entries");
    }
  }

  @Test
  void aFinishedOrClosedBuilderRefusesMore() {
    SstBuilder builder = SstBuilder.inMemory(SstOptions.defaults(), "table-1");
    assertThatThrownBy(builder::bytes).isInstanceOf(IllegalStateException.class);
    builder.add(SstEntry.put(key("a"), 1, key("v")));
    builder.finish();
    assertThatThrownBy(() -> builder.add(SstEntry.put(key("b"), 1, key("v"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("finished");
    assertThatThrownBy(builder::finish).isInstanceOf(IllegalStateException.class);
    builder.close();
    builder.close();
    assertThat(builder.bytes().remaining()).as("bytes stay available after close").isPositive();

    SstBuilder abandoned = SstBuilder.inMemory(SstOptions.defaults(), "table-1");
    abandoned.close();
    assertThatThrownBy(() -> abandoned.add(SstEntry.put(key("a"), 1, key("v"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aStreamingBuilderHoldsNoBytes() {
    try (SstBuilder builder =
        SstBuilder.create(SstOptions.defaults(), new ByteArrayOutputStream(), "table-1")) {
      builder.add(SstEntry.put(key("a"), 1, key("v")));
      builder.finish();
      assertThatThrownBy(builder::bytes).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void streamsBlocksBeforeFinishing() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SstBuilder builder =
        SstBuilder.create(SstOptions.defaults().withBlockSize(256), out, "table-1")) {
      for (int i = 0; i < 100; i++) {
        builder.add(SstEntry.put(key(String.format("k%04d", i)), 1, new byte[50]));
      }
      assertThat(out.size()).as("full blocks are written as they fill").isGreaterThan(4000);
      assertThat(builder.estimatedSize()).isGreaterThanOrEqualTo(out.size());
      assertThat(builder.entryCount()).isEqualTo(100);
    }
  }

  @Test
  void anIoFailureMakesTheBuilderUnusable() {
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("disk full");
          }
        };
    try (SstBuilder builder =
        SstBuilder.create(SstOptions.defaults().withBlockSize(1), failing, "table-1")) {
      assertThatThrownBy(() -> builder.add(SstEntry.put(key("a"), 1, key("v"))))
          .isInstanceOf(UncheckedIOException.class);
      assertThatThrownBy(() -> builder.add(SstEntry.put(key("b"), 1, key("v"))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("failed");
    }
  }

  @Test
  void infoDescribesTheTable() {
    List<SstEntry> entries =
        List.of(
            SstEntry.put(key("apple"), 7, key("red")),
            SstEntry.delete(key("apple"), 3),
            SstEntry.merge(key("kiwi"), 9, key("+1")),
            SstEntry.put(key("pear"), 2, new byte[0]).withExpiry(123));
    try (SstBuilder builder = SstBuilder.inMemory(SstOptions.defaults(), "table-1")) {
      entries.forEach(builder::add);
      SstInfo info = builder.finish();
      byte[] bytes = SstTesting.toArray(builder.bytes());
      CRC32C crc = new CRC32C();
      crc.update(bytes);
      assertThat(info.size()).isEqualTo(bytes.length);
      assertThat(info.smallestKey()).isEqualTo(key("apple"));
      assertThat(info.largestKey()).isEqualTo(key("pear"));
      assertThat(info.minSeq()).isEqualTo(2);
      assertThat(info.maxSeq()).isEqualTo(9);
      assertThat(info.entryCount()).isEqualTo(4);
      assertThat(info.crc32c()).isEqualTo((int) crc.getValue());
      SstReader reader = SstTesting.open(bytes);
      assertThat(info.tailLength()).isEqualTo(reader.tailLength());
      SstMetadata m = reader.metadata();
      assertThat(m.putCount()).isEqualTo(2);
      assertThat(m.deleteCount()).isEqualTo(1);
      assertThat(m.mergeCount()).isEqualTo(1);
      assertThat(m.distinctKeyCount()).isEqualTo(3);
      assertThat(m.rawKeyBytes()).isEqualTo(5 + 5 + 4 + 4);
      assertThat(m.rawValueBytes()).isEqualTo(3 + 2);
      assertThat(m.options()).isEqualTo(SstOptions.defaults());
      assertThat(SstReader.verify("k", bytes)).isEqualTo(info);
    }
  }

  @Test
  void blocksThatDoNotShrinkAreStoredRaw() {
    dev.shaledb.testing.Seeds.Gen gen = dev.shaledb.testing.Seeds.gen("blocksThatDoNotShrink");
    try (SstBuilder builder =
        SstBuilder.inMemory(SstOptions.defaults().withCompression(Compression.lz4()), "table-1")) {
      java.util.TreeSet<byte[]> keys = new java.util.TreeSet<>(java.util.Arrays::compareUnsigned);
      while (keys.size() < 200) {
        keys.add(gen.bytes(16));
      }
      for (byte[] k : keys) {
        builder.add(SstEntry.put(k, 1, gen.bytes(100)));
      }
      builder.finish();
      SstReader reader = SstTesting.open(SstTesting.toArray(builder.bytes()));
      SstMetadata m = reader.metadata();
      assertThat(m.dataBytesStored())
          .isEqualTo(m.dataBytesUncompressed() + m.dataBlockCount() * BlockEnvelope.TRAILER_SIZE);
    }
  }

  @Test
  void compressibleDataShrinksWithEveryCodec() {
    for (Compression codec :
        new Compression[] {Compression.lz4(), Compression.zstd(), Compression.zstd(22)}) {
      try (SstBuilder builder =
          SstBuilder.inMemory(SstOptions.defaults().withCompression(codec), "table-1")) {
        for (int i = 0; i < 500; i++) {
          builder.add(SstEntry.put(key(String.format("k%04d", i)), 1, new byte[100]));
        }
        builder.finish();
        SstMetadata m = SstTesting.open(SstTesting.toArray(builder.bytes())).metadata();
        assertThat(m.dataBytesStored())
            .as(codec.toString())
            .isLessThan(m.dataBytesUncompressed() / 4);
        assertThat(m.options().compression()).isEqualTo(codec);
      }
    }
  }

  @Test
  void theFilterIsSkippedBelowTheMinimumKeyCount() {
    SstOptions options = SstOptions.defaults().withBloomMinKeys(10);
    List<SstEntry> nine = new java.util.ArrayList<>();
    for (int i = 0; i < 9; i++) {
      nine.add(SstEntry.put(key("k" + i), 1, new byte[0]));
      nine.add(SstEntry.put(key("k" + i), 0, new byte[0]));
    }
    assertThat(SstTesting.open(SstTesting.build(options, nine)).hasFilter()).isFalse();
    List<SstEntry> ten = new java.util.ArrayList<>(nine);
    ten.add(SstEntry.put(key("k9"), 1, new byte[0]));
    assertThat(SstTesting.open(SstTesting.build(options, ten)).hasFilter()).isTrue();
    assertThat(SstTesting.open(SstTesting.build(options.withBloomBitsPerKey(0), ten)).hasFilter())
        .isFalse();
  }

  private static List<SstEntry> manyEntries(int n) {
    List<SstEntry> out = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(SstEntry.put(key(String.format("key%06d", i)), 1, key("value " + i)));
    }
    return out;
  }

  @Test
  void aBuilderFillingACacheLeavesNoDataBlockForAReaderToFetch() {
    List<SstEntry> entries = manyEntries(3000);
    SstTesting.MapBlockCache filled = new SstTesting.MapBlockCache();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SstBuilder builder =
        SstBuilder.create(SstOptions.defaults(), out, "t1")
            .fillingCache(filled, "db/t1.sst", Long.MAX_VALUE)) {
      entries.forEach(builder::add);
      builder.finish();
    }
    SstTesting.CountingReader reader = new SstTesting.CountingReader(out.toByteArray());
    SstReader sst =
        SstReader.open(
            "db/t1.sst", "t1", reader, SstReaderOptions.defaults().withBlockCache(filled));
    assertThat(filled.misses.get())
        .isEqualTo((int) sst.metadata().dataBlockCount())
        .isGreaterThan(5);
    int before = reader.reads.get();
    assertThat(SstTesting.readAll(sst, Long.MAX_VALUE)).isEqualTo(entries);
    assertThat(reader.reads.get()).as("every block came from the cache").isEqualTo(before);
  }

  @Test
  void aBuilderFillsACacheOnlyUpToItsBudget() {
    SstTesting.MapBlockCache filled = new SstTesting.MapBlockCache();
    try (SstBuilder builder =
        SstBuilder.inMemory(SstOptions.defaults(), "t1").fillingCache(filled, "t1.sst", 10_000)) {
      manyEntries(3000).forEach(builder::add);
      builder.finish();
      SstReader sst = SstTesting.open(SstTesting.toArray(builder.bytes()));
      assertThat(filled.blocks).isNotEmpty();
      assertThat(filled.blocks.size()).isLessThan((int) sst.metadata().dataBlockCount());
      assertThat(filled.blocks.values().stream().mapToLong(DecodedBlock::weight).sum())
          .isLessThan(20_000);
    }
  }

  @Test
  void fillingACacheIsChosenBeforeTheFirstEntry() {
    try (SstBuilder builder = SstBuilder.inMemory(SstOptions.defaults(), "t1")) {
      builder.add(SstEntry.put(key("a"), 1, key("v")));
      assertThatThrownBy(() -> builder.fillingCache(new SstTesting.MapBlockCache(), "t1.sst", 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("fillingCache must come before the first entry");
    }
  }
}
