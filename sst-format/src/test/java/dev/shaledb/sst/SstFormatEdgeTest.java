package dev.shaledb.sst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.UnsupportedFormatException;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Versioning and structurally malformed content behind valid checksums: a writer bug or a crafted
 * object must still be reported as corruption, never as data or an unchecked array error.
 */
class SstFormatEdgeTest {
  private static final String KEY = "t.sst";

  @Test
  void aNewerFormatVersionGetsItsOwnException() {
    byte[] v2 = SstTesting.build(SstOptions.defaults(), SstCorruptionTest.smallEntries());
    byte[] v3 =
        SstTesting.build(
            SstOptions.defaults(),
            SstCorruptionTest.smallEntries(),
            SstCorruptionTest.smallTombstones());
    assertThat(SstTesting.open(v3).formatVersion()).isEqualTo(3);
    for (byte[] table : List.of(v2, v3)) {
      byte[] newer = withFooterVersion(table, 4);
      assertThatThrownBy(() -> SstReader.open(KEY, RangeReader.of(newer)))
          .isInstanceOfSatisfying(
              UnsupportedFormatException.class,
              e -> {
                assertThat(e.key()).isEqualTo(KEY);
                assertThat(e.foundVersion()).isEqualTo(4);
                assertThat(e.supportedVersion()).isEqualTo(3);
              });
      assertThatThrownBy(() -> SstReader.verify(KEY, newer))
          .isInstanceOf(UnsupportedFormatException.class);
    }
  }

  @Test
  void aFooterWhoseLengthDoesNotMatchItsVersionIsCorrupt() {
    byte[] v2 = SstTesting.build(SstOptions.defaults(), SstCorruptionTest.smallEntries());
    assertThatThrownBy(() -> SstReader.open(KEY, RangeReader.of(withFooterVersion(v2, 3))))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("footer of version 3 has length 60");
  }

  @Test
  void aFlippedVersionFieldIsCorruptionNotANewerVersion() {
    byte[] table = SstTesting.build(SstOptions.defaults(), SstCorruptionTest.smallEntries());
    table[table.length - 16] ^= 0x02;
    assertThatThrownBy(() -> SstReader.open(KEY, RangeReader.of(table)))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("footer checksum");
  }

  @Test
  void versionZeroIsCorrupt() {
    byte[] table = SstTesting.build(SstOptions.defaults(), SstCorruptionTest.smallEntries());
    assertThatThrownBy(() -> SstReader.open(KEY, RangeReader.of(withFooterVersion(table, 0))))
        .isInstanceOf(CorruptObjectException.class);
  }

  /** The table with its footer's version field set to {@code version} and a matching CRC. */
  private static byte[] withFooterVersion(byte[] table, int version) {
    byte[] copy = table.clone();
    int size = Bytes.getIntLE(copy, copy.length - 20);
    int start = copy.length - size;
    Bytes.putIntLE(copy, copy.length - 16, version);
    CRC32C crc = new CRC32C();
    crc.update(copy, start, size - 12);
    Bytes.putIntLE(copy, copy.length - 12, (int) crc.getValue());
    return copy;
  }

  @Test
  void footerRoundTripsAndChecksItsHandles() {
    Footer v1 = new Footer(1000, 800, 30, 20, 98, 0x1234, 0, 0, 1);
    assertThat(decode(v1)).isEqualTo(v1);
    assertThat(v1.tailLength()).isEqualTo(200);
    assertThat(v1.filterOffset()).isEqualTo(830);
    assertThat(v1.metaOffset()).isEqualTo(850);
    Footer good = new Footer(1000, 800, 30, 20, 90, 0x1234, 0x5EED_F00DL, 0, 2);
    assertThat(decode(good)).isEqualTo(good);
    assertThat(good.encode()).hasSize(Footer.SIZE_V2);
    Footer gap = new Footer(1000, 790, 30, 20, 90, 0x1234, 7, 0, 2);
    assertThatThrownBy(() -> decode(gap))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("inconsistent");
    Footer noMeta = new Footer(1000, 900, 28, 20, 0, 0x1234, 7, 0, 2);
    assertThatThrownBy(() -> decode(noMeta)).isInstanceOf(CorruptObjectException.class);
    Footer v3 = new Footer(1000, 800, 30, 20, 70, 0x1234, 0x5EED_F00DL, 16, 3);
    assertThat(decode(v3)).isEqualTo(v3);
    assertThat(v3.encode()).hasSize(Footer.SIZE_V3);
    assertThat(v3.rangeTombstoneOffset()).isEqualTo(850);
    assertThat(v3.metaOffset()).isEqualTo(866);
    assertThat(v3.tailLength()).isEqualTo(200);
    Footer shortTombstones = new Footer(1000, 800, 30, 20, 78, 0x1234, 7, 8, 3);
    assertThatThrownBy(() -> decode(shortTombstones))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("inconsistent");
    Footer noTombstones = new Footer(1000, 800, 30, 20, 86, 0x1234, 7, 0, 3);
    assertThat(decode(noTombstones)).isEqualTo(noTombstones);
  }

  private static Footer decode(Footer f) {
    byte[] b = f.encode();
    return Footer.decode(
        KEY,
        b,
        b.length,
        f.objectLength(),
        Footer.footerLength(KEY, b, b.length, f.objectLength()));
  }

  @Test
  void malformedDataBlocksAreCorrupt() {
    assertMalformed(new byte[] {1, 2}, "no restarts");
    assertMalformed(new byte[] {0, 0, 0, 0}, "restart count");
    assertMalformed(new byte[] {0, 0, 0, 0, 1, 0, 0, 0}, "no entries");
    // shared=0, unshared=5 but only 1 key byte follows
    assertMalformed(block(0, 5, 0, 'a'), "key lengths");
    // a restart entry that claims a shared prefix
    assertMalformed(block(1, 1, 0, 'a', 0, 1), "key lengths");
    // unknown kind code 3
    assertMalformed(block(0, 1, 0, 'a', 3, 1), "flags");
    // a DELETE with a value
    assertMalformed(block(0, 1, 1, 'a', 1, 1, 'v'), "value length");
    // value longer than the block
    assertMalformed(block(0, 1, 9, 'a', 0, 1, 'v'), "value length");
    // a seq varint that never ends
    assertMalformed(block(0, 1, 0, 'a', 0, 0xFF, 0xFF), "past the block");
  }

  @Test
  void outOfOrderEntriesBehindAValidChecksumAreCorrupt() {
    DataBlockBuilder b = new DataBlockBuilder(16, 4096);
    b.add(SstTesting.key("b"), 0, EntryKind.PUT, 5, SstEntry.NO_EXPIRY, new byte[0], 0);
    b.add(SstTesting.key("a"), 0, EntryKind.PUT, 5, SstEntry.NO_EXPIRY, new byte[0], 0);
    LittleEndianSink raw = b.finish();
    assertMalformed(java.util.Arrays.copyOf(raw.array(), raw.size()), "out of order");

    DataBlockBuilder same = new DataBlockBuilder(16, 4096);
    same.add(SstTesting.key("a"), 0, EntryKind.PUT, 5, SstEntry.NO_EXPIRY, new byte[0], 0);
    same.add(SstTesting.key("a"), 1, EntryKind.PUT, 7, SstEntry.NO_EXPIRY, new byte[0], 0);
    LittleEndianSink raw2 = same.finish();
    assertMalformed(java.util.Arrays.copyOf(raw2.array(), raw2.size()), "out of order");
  }

  @Test
  void keysOutsideTheIndexSeparatorsAreCorrupt() {
    DataBlockBuilder b = new DataBlockBuilder(16, 4096);
    b.add(SstTesting.key("m"), 0, EntryKind.PUT, 5, SstEntry.NO_EXPIRY, new byte[0], 0);
    LittleEndianSink raw = b.finish();
    byte[] data = java.util.Arrays.copyOf(raw.array(), raw.size());
    assertThatThrownBy(
            () -> DecodedBlock.decode(KEY, 0, data, data.length, SstTesting.key("n"), null))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("separator");
    assertThatThrownBy(
            () -> DecodedBlock.decode(KEY, 0, data, data.length, null, SstTesting.key("l")))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("separator");
    assertThat(DecodedBlock.decode(KEY, 0, data, data.length, key("m"), key("m")).weight())
        .isGreaterThan(data.length);
  }

  private static byte[] key(String s) {
    return SstTesting.key(s);
  }

  /** A raw block: the given entry bytes, then one restart at 0. */
  private static byte[] block(int... bytes) {
    byte[] b = new byte[bytes.length + 8];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    Bytes.putIntLE(b, bytes.length, 0);
    Bytes.putIntLE(b, bytes.length + 4, 1);
    return b;
  }

  private static void assertMalformed(byte[] raw, String message) {
    assertThatThrownBy(() -> DecodedBlock.decode(KEY, 4242, raw, raw.length, null, null))
        .isInstanceOfSatisfying(
            CorruptObjectException.class,
            e -> {
              assertThat(e.key()).isEqualTo(KEY);
              assertThat(e.offset()).isEqualTo(4242);
            })
        .hasMessageContaining(message);
  }

  @Test
  void unknownCodecInABlockTrailerIsCorrupt() {
    byte[] payload = {1, 2, 3};
    byte[] stored = new byte[payload.length + BlockEnvelope.TRAILER_SIZE];
    System.arraycopy(payload, 0, stored, 0, 3);
    byte[] trailer = new byte[BlockEnvelope.TRAILER_SIZE];
    int crc =
        BlockEnvelope.trailerCrc(
            payload, 3, 3, CompressionCodec.NONE, trailer, BlockBinding.NONE, 10);
    trailer[4] = 7;
    CRC32C c = new CRC32C();
    c.update(payload, 0, 3);
    c.update(trailer, 0, 5);
    Bytes.putIntLE(trailer, 5, (int) c.getValue());
    System.arraycopy(trailer, 0, stored, 3, trailer.length);
    assertThat(crc).isNotZero();
    assertThatThrownBy(
            () ->
                BlockEnvelope.open(
                    KEY, BlockBinding.NONE, 10, "data block", stored, 0, stored.length))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("unknown codec");
  }

  @Test
  void varintsRoundTripAndOverflowsAreCorrupt() {
    LittleEndianSink sink = new LittleEndianSink(16);
    long[] values = {0, 1, 127, 128, 16383, 16384, Integer.MAX_VALUE, Long.MAX_VALUE, -1L};
    for (long v : values) {
      sink.writeVarint(v);
    }
    LittleEndianReader in = new LittleEndianReader(KEY, 0, "test", sink.array(), 0, sink.size());
    for (long v : values) {
      assertThat(in.varint64("v")).isEqualTo(v);
    }
    in.expectEnd();
    byte[] tooLong = new byte[11];
    java.util.Arrays.fill(tooLong, (byte) 0x80);
    LittleEndianReader bad = new LittleEndianReader(KEY, 0, "test", tooLong, 0, tooLong.length);
    assertThatThrownBy(() -> bad.varint64("v")).isInstanceOf(CorruptObjectException.class);
    byte[] big = {
      (byte) 0xFF,
      (byte) 0xFF,
      (byte) 0xFF,
      (byte) 0xFF,
      (byte) 0xFF,
      (byte) 0xFF,
      (byte) 0xFF,
      (byte) 0xFF,
      (byte) 0xFF,
      0x02
    };
    LittleEndianReader overflow = new LittleEndianReader(KEY, 0, "test", big, 0, big.length);
    assertThatThrownBy(() -> overflow.varint64("v")).isInstanceOf(CorruptObjectException.class);
  }

  @Test
  void tableOfOneEntryRoundTrips() {
    SstEntry only = SstEntry.put(new byte[] {0}, 0, new byte[0]);
    byte[] table = SstTesting.build(SstOptions.defaults(), List.of(only));
    SstReader reader = SstTesting.open(table);
    assertThat(SstTesting.readAll(reader, 0)).containsExactly(only);
    assertThat(reader.get(new byte[] {0}, 0)).contains(only);
    assertThat(reader.hasFilter()).isFalse();
  }
}
