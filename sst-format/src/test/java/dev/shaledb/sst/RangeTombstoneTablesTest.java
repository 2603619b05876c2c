package dev.shaledb.sst;

import static dev.shaledb.sst.SstTesting.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Tables with range tombstones (format version 3): tables of tombstones only work everywhere a
 * table does, the key and seq ranges cover the tombstones, and a tombstone block that is malformed
 * behind a valid checksum is reported as corrupt with its offset.
 */
class RangeTombstoneTablesTest {
  private static final String KEY = "db/t.sst";
  private static final SstOptions OPTIONS = SstOptions.defaults().withBloomMinKeys(0);

  /** [c, e) at 5 and [d, f) at 7: fragments [c, d) {5}, [d, e) {7, 5}, [e, f) {7}. */
  private static final List<RangeTombstone> TOMBSTONES =
      List.of(new RangeTombstone(key("c"), key("e"), 5), new RangeTombstone(key("d"), key("f"), 7));

  /** Entries with seqs below the tombstones', keys around them. */
  private static final List<SstEntry> ENTRIES =
      List.of(SstEntry.put(key("b"), 3, key("v")), SstEntry.put(key("x"), 4, key("w")));

  @Test
  void aTableOfRangeTombstonesOnlyWorksEverywhere() {
    SstInfo info;
    byte[] table;
    try (SstBuilder builder = SstBuilder.inMemory(OPTIONS, "table-1")) {
      builder.addRangeTombstones(RangeTombstones.of(TOMBSTONES));
      info = builder.finish();
      table = SstTesting.toArray(builder.bytes());
    }
    assertThat(info.entryCount()).isZero();
    assertThat(info.smallestKey()).isEqualTo(key("c"));
    assertThat(info.largestKey()).isEqualTo(key("f"));
    assertThat(info.minSeq()).isEqualTo(5);
    assertThat(info.maxSeq()).isEqualTo(7);
    assertThat(info.tailLength()).as("no data blocks").isEqualTo(table.length);
    assertThat(SstReader.verify(KEY, table)).isEqualTo(info);

    SstTesting.CountingReader counting = new SstTesting.CountingReader(table);
    SstReader reader =
        SstReader.open(
            KEY,
            "table-1",
            counting,
            SstReaderOptions.defaults().withTailReadSize(info.tailLength()));
    assertThat(reader.formatVersion()).isEqualTo(3);
    assertThat(reader.hasFilter()).as("no keys to filter").isFalse();
    assertThat(reader.rangeTombstones()).isEqualTo(RangeTombstones.of(TOMBSTONES));
    assertThat(reader.rangeTombstones().coveringSeq(key("d"), 6)).isEqualTo(5);
    SstMetadata m = reader.metadata();
    assertThat(m.entryCount()).isZero();
    assertThat(m.dataBlockCount()).isZero();
    assertThat(m.distinctKeyCount()).isZero();
    assertThat(m.rangeTombstoneCount()).isEqualTo(3);

    for (byte[] k : List.of(key("a"), key("c"), key("d"), key("f"), key("z"))) {
      assertThat(reader.get(k, Long.MAX_VALUE)).isEmpty();
      assertThat(reader.mayContain(k)).isFalse();
      assertThat(reader.blockFor(k)).isEqualTo(-1);
      for (ReadAhead readAhead : List.of(ReadAhead.NONE, ReadAhead.upTo(1 << 20, e -> {}))) {
        assertNeverValid(reader.iterator(Long.MAX_VALUE, null, null, readAhead), k);
        assertNeverValid(reader.iterator(Long.MAX_VALUE, key("a"), key("z"), readAhead), k);
        assertNeverValid(reader.iterator(0, k, null, readAhead), k);
        assertThat(reader.scan(k, null, Long.MAX_VALUE, readAhead).isValid()).isFalse();
      }
    }
    assertThat(reader.splitKeys(4)).isEmpty();
    reader.loadAllBlocks();
    assertThat(reader.holdsIntactBlocks(0, table)).isFalse();
    assertThatThrownBy(() -> reader.readBlockAsync(0))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(counting.tailReads.get()).isEqualTo(1);
    assertThat(counting.reads.get()).as("one suffix read opened it; nothing else read").isZero();
  }

  private static void assertNeverValid(SstIterator it, byte[] target) {
    it.prepareSeek(target);
    it.prepareSeek(null);
    it.seek(target);
    assertThat(it.isValid()).isFalse();
    it.seekToFirst();
    assertThat(it.isValid()).isFalse();
    it.seekToLast();
    assertThat(it.isValid()).isFalse();
    it.seekBefore(target);
    assertThat(it.isValid()).isFalse();
  }

  @Test
  void keyAndSeqRangesCoverEntriesAndTombstones() {
    List<RangeTombstone> wide =
        List.of(
            new RangeTombstone(key("a"), key("c"), 1),
            new RangeTombstone(key("y"), key("zz"), 100));
    byte[] table = SstTesting.build(OPTIONS, ENTRIES, wide);
    SstInfo info = SstReader.verify(KEY, table);
    assertThat(info.smallestKey()).isEqualTo(key("a"));
    assertThat(info.largestKey()).as("the exclusive end").isEqualTo(key("zz"));
    assertThat(info.minSeq()).isEqualTo(1);
    assertThat(info.maxSeq()).isEqualTo(100);
    assertThat(info.entryCount()).isEqualTo(2);
    SstReader reader = SstTesting.open(table);
    assertThat(reader.metadata().smallestKey()).isEqualTo(key("a"));
    assertThat(reader.metadata().largestKey()).isEqualTo(key("zz"));
    assertThat(reader.get(key("b"), Long.MAX_VALUE)).as("not hidden by the reader").isPresent();
    assertThat(SstTesting.readAll(reader, Long.MAX_VALUE)).isEqualTo(ENTRIES);

    byte[] inside = SstTesting.build(OPTIONS, ENTRIES, TOMBSTONES);
    SstInfo narrow = SstReader.verify(KEY, inside);
    assertThat(narrow.smallestKey()).isEqualTo(key("b"));
    assertThat(narrow.largestKey()).isEqualTo(key("x"));
    assertThat(narrow.minSeq()).isEqualTo(3);
    assertThat(narrow.maxSeq()).isEqualTo(7);
  }

  @Test
  void aTableWithoutTombstonesIsStillVersion2() {
    byte[] plain = SstTesting.build(OPTIONS, ENTRIES);
    byte[] viaEmptySet;
    try (SstBuilder builder = SstBuilder.inMemory(OPTIONS, "table-1")) {
      ENTRIES.forEach(builder::add);
      builder.addRangeTombstones(RangeTombstones.empty());
      builder.finish();
      viaEmptySet = SstTesting.toArray(builder.bytes());
    }
    assertThat(viaEmptySet).isEqualTo(plain);
    SstReader reader = SstTesting.open(plain);
    assertThat(reader.formatVersion()).isEqualTo(2);
    assertThat(reader.rangeTombstones().isEmpty()).isTrue();
    assertThat(reader.metadata().rangeTombstoneCount()).isZero();
  }

  @Test
  void theBuilderChecksItsState() {
    try (SstBuilder builder = SstBuilder.inMemory(OPTIONS, "table-1")) {
      assertThatThrownBy(() -> builder.addRangeTombstone(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("tombstone is null");
      assertThatThrownBy(builder::finish)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("without entries or range tombstones");
      builder.addRangeTombstone(TOMBSTONES.get(0));
      long before = builder.estimatedSize();
      builder.addRangeTombstone(TOMBSTONES.get(1));
      assertThat(builder.estimatedSize()).isGreaterThan(before);
      builder.finish();
      assertThatThrownBy(() -> builder.addRangeTombstone(TOMBSTONES.get(0)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("finished");
    }
  }

  /*
   * The payload of TOMBSTONES' block, byte by byte:
   *   0: 03 (fragments)
   *   1: 01 'c' 01 'd' 01 05
   *   7: 01 'd' 01 'e' 02 07 05
   *  14: 01 'e' 01 'f' 01 07
   */

  @Test
  void aMalformedBlockBehindAValidChecksumIsCorrupt() {
    assertMalformed(p -> p[13] = 7, "not strictly descending");
    assertMalformed(p -> p[8] = 'c', "overlaps or sorts before the previous one");
    assertMalformed(p -> p[4] = 'c', "has start >= end");
    assertMalformed(p -> p[2] = 'a', "outside the table's key range");
    assertMalformed(p -> p[17] = 'z', "outside the table's key range");
    assertMalformed(p -> p[19] = 9, "seqs outside the table's seq range");
    assertMalformed(p -> p[0] = 2, "unexpected trailing bytes");
    assertMalformed(p -> p[0] = 4, "more bytes");
    assertMalformed(p -> p[0] = 0, "fragment count 0 outside");
    assertMalformed(p -> p[11] = 0, "seq count 0 outside");
    assertMalformed(p -> p[1] = 0, "start length 0 outside");
  }

  /** Damages the tombstone block's payload and gives it a valid checksum again. */
  private static void assertMalformed(Consumer<byte[]> damage, String message) {
    byte[] table = SstTesting.build(OPTIONS, ENTRIES, TOMBSTONES, "table-1");
    Footer footer = SstTesting.open(table).footer();
    long offset = footer.rangeTombstoneOffset();
    int payloadLength = footer.rangeTombstoneLength() - BlockEnvelope.TRAILER_SIZE;
    assertThat(payloadLength).isEqualTo(20);
    byte[] payload = new byte[payloadLength];
    System.arraycopy(table, (int) offset, payload, 0, payloadLength);
    damage.accept(payload);
    byte[] trailer = new byte[BlockEnvelope.TRAILER_SIZE];
    int crc =
        BlockEnvelope.trailerCrc(
            payload,
            payloadLength,
            payloadLength,
            CompressionCodec.NONE,
            trailer,
            BlockBinding.of(BlockBinding.tag("table-1")),
            offset);
    Bytes.putIntLE(trailer, 5, crc);
    System.arraycopy(payload, 0, table, (int) offset, payloadLength);
    System.arraycopy(trailer, 0, table, (int) offset + payloadLength, trailer.length);
    assertThatThrownBy(() -> SstReader.open(KEY, "table-1", RangeReader.of(table), defaults()))
        .as(message)
        .isInstanceOfSatisfying(
            CorruptObjectException.class,
            e -> {
              assertThat(e.key()).isEqualTo(KEY);
              assertThat(e.offset()).isEqualTo(offset);
            })
        .hasMessageContaining(message);
  }

  private static SstReaderOptions defaults() {
    return SstReaderOptions.defaults();
  }

  @Test
  void decodingRejectsUncoalescedFragmentsAndTheMetadataChecksTheCount() {
    LittleEndianSink sink = new LittleEndianSink(32);
    sink.writeVarint(2);
    for (String[] f : new String[][] {{"a", "b"}, {"b", "c"}}) {
      sink.writeVarint(1);
      sink.write(key(f[0]));
      sink.writeVarint(1);
      sink.write(key(f[1]));
      sink.writeVarint(1);
      sink.writeVarint(9);
    }
    LittleEndianReader in = new LittleEndianReader(KEY, 77, "t", sink.array(), 0, sink.size());
    assertThatThrownBy(() -> RangeTombstones.decode(in))
        .isInstanceOfSatisfying(
            CorruptObjectException.class, e -> assertThat(e.offset()).isEqualTo(77))
        .hasMessageContaining("continues the previous one with equal seqs");

    SstMetadata m = SstTesting.open(SstTesting.build(OPTIONS, ENTRIES, TOMBSTONES)).metadata();
    RangeTombstones one = RangeTombstones.of(List.of(new RangeTombstone(key("c"), key("d"), 5)));
    assertThatThrownBy(() -> m.checkRangeTombstones(KEY, 88, one))
        .isInstanceOfSatisfying(
            CorruptObjectException.class, e -> assertThat(e.offset()).isEqualTo(88))
        .hasMessageContaining("counts 3 range tombstone fragments, the block holds 1");
  }
}
