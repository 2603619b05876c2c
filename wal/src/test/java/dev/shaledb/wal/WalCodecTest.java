package dev.shaledb.wal;

import static dev.shaledb.wal.RawWal.entry;
import static dev.shaledb.wal.RawWal.rangeEnd;
import static dev.shaledb.wal.RawWal.value;
import static dev.shaledb.wal.RawWal.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.UnsupportedFormatException;
import dev.shaledb.testing.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WalCodecTest {
  private static final String KEY = "db/wal/00000000000000000007.wal";

  static WalBatch randomBatch(Seeds.Gen gen, long firstSeq) {
    List<WalEntry> entries = new ArrayList<>();
    for (int i = gen.intBetween(1, 6); i > 0; i--) {
      byte[] key = gen.bytes(gen.intBetween(1, 40));
      entries.add(
          gen.chance(0.2)
              ? WalEntry.delete(key)
              : WalEntry.put(key, gen.bytes(gen.skewedLength(300))));
    }
    return new WalBatch(firstSeq, entries);
  }

  private static byte[] encode(long id, long prev, List<WalBatch> batches) {
    List<BatchCodec.Encoded> encoded = new ArrayList<>();
    batches.forEach(b -> encoded.add(BatchCodec.encode(b)));
    return WalCodec.encode(
        new WalObjectHeader(id, 3, prev, new UUID(5, 6), false, batches.size()), encoded);
  }

  @Test
  void randomObjectsRoundTrip() {
    Seeds.Gen gen = Seeds.gen("WalCodecTest.randomObjectsRoundTrip");
    for (int i = 0; i < 300; i++) {
      List<WalBatch> batches = new ArrayList<>();
      long seq = gen.random().nextLong(1, 1L << 50);
      for (int b = gen.intBetween(1, 5); b > 0; b--) {
        WalBatch batch = randomBatch(gen, seq);
        batches.add(batch);
        seq = batch.lastSeq() + 1;
      }
      WalObject decoded = WalCodec.decode(KEY, 7, encode(7, 6, batches));
      assertThat(decoded.batches()).as("%s", gen).isEqualTo(batches);
      assertThat(decoded.header())
          .isEqualTo(new WalObjectHeader(7, 3, 6, new UUID(5, 6), false, batches.size()));
    }
  }

  @Test
  void fencesHaveTheirFixedSizeAndEveryOtherObjectIsLarger() {
    byte[] fence = TestWal.fence(7, 2);
    assertThat(fence).hasSize(WalObjectHeader.FENCE_OBJECT_SIZE);
    WalObject decoded = WalCodec.decode(KEY, 7, fence);
    assertThat(decoded.header().fence()).isTrue();
    assertThat(decoded.batches()).isEmpty();
    byte[] smallest = TestWal.object(7, 2, 6, WalBatch.of(1, WalEntry.delete(new byte[1])));
    assertThat(smallest.length).isGreaterThan(WalObjectHeader.FENCE_OBJECT_SIZE);
  }

  @Test
  void everySingleBitFlipIsDetected() {
    Seeds.Gen gen = Seeds.gen("WalCodecTest.everySingleBitFlipIsDetected");
    byte[] good = encode(7, 6, List.of(randomBatch(gen, 1), randomBatch(gen, 100)));
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= (byte) (1 << gen.intBetween(0, 7));
      assertThatThrownBy(() -> WalCodec.decode(KEY, 7, bad))
          .as("flip at %d, %s", i, gen)
          .isInstanceOf(CorruptObjectException.class)
          .hasMessageContaining(KEY);
    }
  }

  @Test
  void everyTruncationIsDetected() {
    Seeds.Gen gen = Seeds.gen("WalCodecTest.everyTruncationIsDetected");
    byte[] good = encode(7, 6, List.of(randomBatch(gen, 1)));
    for (int length = 0; length < good.length; length++) {
      byte[] torn = Arrays.copyOf(good, length);
      assertThatThrownBy(() -> WalCodec.decode(KEY, 7, torn))
          .as("length %d", length)
          .isInstanceOf(CorruptObjectException.class);
    }
  }

  @Test
  void corruptionIsReportedAtTheDamagedBatch() {
    byte[] good =
        encode(7, 6, List.of(TestWal.batch(1, "a"), TestWal.batch(2, "b"), TestWal.batch(3, "c")));
    int secondBatch = WalObjectHeader.SIZE + BatchCodec.encode(TestWal.batch(1, "a")).length();
    byte[] bad = good.clone();
    bad[secondBatch + 14] ^= 1;
    RawWal.resealTrailer(bad);
    assertThatThrownBy(() -> WalCodec.decode(KEY, 7, bad))
        .isInstanceOfSatisfying(
            CorruptObjectException.class, e -> assertThat(e.offset()).isEqualTo(secondBatch))
        .hasMessageContaining("batch checksum");
  }

  @Test
  void version3IsRefusedNamingTheObject() {
    byte[] bytes = encode(7, 6, List.of(WalBatch.of(1, WalEntry.merge(K, K))));
    assertThat(WalCodec.decode(KEY, 7, bytes).batches()).hasSize(1);
    bytes[5] = 3;
    RawWal.resealHeader(bytes);
    RawWal.resealTrailer(bytes);
    assertThatThrownBy(() -> WalCodec.decode(KEY, 7, bytes))
        .isInstanceOfSatisfying(
            UnsupportedFormatException.class,
            e -> {
              assertThat(e.foundVersion()).isEqualTo(3);
              assertThat(e.supportedVersion()).isEqualTo(2);
              assertThat(e.key()).isEqualTo(KEY);
            })
        .hasMessageContaining(KEY);
    assertThatThrownBy(
            () -> WalCodec.decodeHeader(KEY, 7, Arrays.copyOf(bytes, WalObjectHeader.SIZE)))
        .isInstanceOf(UnsupportedFormatException.class)
        .hasMessageContaining(KEY);
  }

  @Test
  void everyKindRoundTripsWithAndWithoutExpiry() {
    List<WalEntry> all =
        List.of(
            WalEntry.put(K, K),
            WalEntry.put(K, new byte[0], 0),
            WalEntry.put(K, K, Long.MAX_VALUE),
            WalEntry.delete(K),
            WalEntry.merge(K, K),
            WalEntry.merge(K, new byte[0], 1_700_000_000_000L),
            WalEntry.deleteRange(new byte[] {0}, new byte[] {(byte) 0xff}));
    for (WalEntry e : all) {
      WalBatch batch = WalBatch.of(1, e);
      byte[] bytes = WalFormat.encode(header(1), List.of(batch));
      assertThat(bytes.length)
          .as("%s: sizes are exact", e)
          .isEqualTo(WalObjectHeader.FENCE_OBJECT_SIZE + BatchCodec.FIXED_BYTES + e.encodedSize());
      assertThat(WalFormat.decode(KEY, 7, bytes).batches()).as("%s", e).containsExactly(batch);
    }
    WalBatch together = new WalBatch(1, all);
    assertThat(WalFormat.decode(KEY, 7, WalFormat.encode(header(1), List.of(together))).batches())
        .containsExactly(together);
  }

  @Test
  void anObjectIsVersion1UnlessAnEntryNeedsVersion2() {
    WalBatch plain = WalBatch.of(1, WalEntry.put(K, K), WalEntry.delete(K));
    assertThat(version(WalFormat.encode(header(1), List.of(plain)))).isEqualTo(1);
    assertThat(version(TestWal.fence(7, 1))).isEqualTo(1);
    List<WalEntry> needing =
        List.of(
            WalEntry.put(K, K, 0),
            WalEntry.merge(K, K),
            WalEntry.merge(K, K, 5),
            WalEntry.deleteRange(new byte[] {1}, new byte[] {2}));
    for (WalEntry e : needing) {
      // One such entry anywhere in any batch lifts the whole object.
      WalBatch last = WalBatch.of(3, WalEntry.delete(K), e);
      byte[] bytes = WalFormat.encode(header(2), List.of(plain, last));
      assertThat(version(bytes)).as("%s", e).isEqualTo(2);
      assertThat(WalFormat.decode(KEY, 7, bytes).batches()).containsExactly(plain, last);
    }
  }

  @Test
  void aVersion1ObjectHoldingANewKindOrAnExpiryIsCorrupt() {
    byte[][] needing = {
      entry(0x03, K, null, value(K)), // MERGE
      entry(0x04, new byte[] {1}, null, rangeEnd(new byte[] {2})), // DELETE_RANGE
      entry(0x81, K, 5L, value(K)), // PUT with expiry
      entry(0x83, K, 5L, value(K)), // MERGE with expiry
    };
    for (byte[] e : needing) {
      assertThat(WalCodec.decode(KEY, 7, forged(2, e)).batches()).hasSize(1);
      assertThatThrownBy(() -> WalCodec.decode(KEY, 7, forged(1, e)))
          .isInstanceOfSatisfying(
              CorruptObjectException.class,
              c -> {
                assertThat(c.key()).isEqualTo(KEY);
                assertThat(c.offset()).isEqualTo(FIRST_ENTRY);
              })
          .hasMessageContaining("not allowed in a version 1 WAL object");
    }
    assertThat(WalCodec.decode(KEY, 7, forged(1, entry(0x01, K, null, value(K)))).batches())
        .containsExactly(WalBatch.of(1, WalEntry.put(K, K)));
  }

  @Test
  void unknownKindCodesAreCorrupt() {
    for (int version = 1; version <= 2; version++) {
      for (int kindByte : new int[] {0, 5, 127, 0x80, 0x85, 0xff}) {
        byte[] bad = forged(version, entry(kindByte, K, null, new byte[0]));
        assertThatThrownBy(() -> WalCodec.decode(KEY, 7, bad))
            .as("kind byte %d in version %d", kindByte, version)
            .isInstanceOfSatisfying(
                CorruptObjectException.class, c -> assertThat(c.offset()).isEqualTo(FIRST_ENTRY))
            .hasMessageContaining("unknown entry kind " + (kindByte & 0x7f))
            .hasMessageContaining(KEY);
      }
    }
  }

  @Test
  void entriesThatBreakTheRecordRulesOnTheWireAreCorruptAtTheirOffset() {
    byte[] a = {'a'};
    byte[] b = {'b'};
    record Case(byte[] entry, String problem) {}
    List<Case> cases =
        List.of(
            new Case(entry(0x04, a, null, rangeEnd(a)), "strictly before its end"),
            new Case(entry(0x04, b, null, rangeEnd(a)), "strictly before its end"),
            new Case(entry(0x04, a, null, rangeEnd(new byte[0])), "range end length 0"),
            new Case(entry(0x82, a, 5L, new byte[0]), "a DELETE cannot expire"),
            new Case(entry(0x84, a, 5L, rangeEnd(b)), "a DELETE_RANGE cannot expire"),
            new Case(entry(0x81, a, -1L, value(a)), "negative expiry -1"),
            new Case(entry(0x83, a, Long.MIN_VALUE, value(a)), "negative expiry"));
    for (Case c : cases) {
      // A second, valid entry first: the offset must be the bad entry's, not the batch's.
      byte[] good = entry(0x02, a, null, new byte[0]);
      byte[] bad = forged(2, good, c.entry());
      assertThatThrownBy(() -> WalCodec.decode(KEY, 7, bad))
          .as(c.problem())
          .isInstanceOfSatisfying(
              CorruptObjectException.class,
              e -> assertThat(e.offset()).isEqualTo(FIRST_ENTRY + good.length))
          .hasMessageContaining(c.problem());
    }
    byte[] valid = forged(2, entry(0x04, a, null, rangeEnd(b)));
    assertThat(WalCodec.decode(KEY, 7, valid).batches())
        .containsExactly(WalBatch.of(1, WalEntry.deleteRange(a, b)));
  }

  @Test
  void everySingleByteChangeOfASmallVersion2ObjectIsDetected() {
    byte[] good =
        WalFormat.encode(
            header(2),
            List.of(
                WalBatch.of(1, WalEntry.merge(K, K, 9), WalEntry.deleteRange(K, new byte[] {'l'})),
                WalBatch.of(3, WalEntry.put(K, K, 0), WalEntry.delete(K), WalEntry.merge(K, K))));
    assertThat(version(good)).isEqualTo(2);
    for (int i = 0; i < good.length; i++) {
      for (int flip = 1; flip < 256; flip++) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) flip;
        int at = i;
        int by = flip;
        assertThatThrownBy(() -> WalCodec.decode(KEY, 7, bad))
            .as("byte %d xor %d", at, by)
            .isInstanceOf(CorruptObjectException.class)
            .hasMessageContaining(KEY);
      }
    }
  }

  /** Chaos seed 5008: a header read with a flipped version bit passed for a newer format. */
  @Test
  void seed5008AFlippedVersionBitInAHeaderReadIsCorruptionNotANewerVersion() {
    byte[] bytes = TestWal.fence(7, 1);
    bytes[5] ^= 0x02;
    assertThatThrownBy(() -> WalCodec.decodeHeader(KEY, 7, bytes))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("header checksum");
  }

  @Test
  void anObjectAtTheWrongKeyIsCorrupt() {
    assertThatThrownBy(() -> WalCodec.decode(KEY, 8, TestWal.fence(7, 1)))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("says WAL id 7");
  }

  @Test
  void unknownFlagsAndBadMagicAreCorrupt() {
    byte[] flags = TestWal.fence(7, 1);
    flags[7] |= 4;
    RawWal.resealHeader(flags);
    RawWal.resealTrailer(flags);
    assertThatThrownBy(() -> WalCodec.decode(KEY, 7, flags)).hasMessageContaining("flags");
    byte[] magic = TestWal.fence(7, 1);
    magic[1] = 'X';
    assertThatThrownBy(() -> WalCodec.decode(KEY, 7, magic))
        .isInstanceOfSatisfying(CorruptObjectException.class, e -> assertThat(e.offset()).isZero());
  }

  @Test
  void headerAloneDecodesFromARangedRead() {
    byte[] object = TestWal.object(9, 4, 8, TestWal.batch(1, "k"));
    WalObjectHeader header =
        WalCodec.decodeHeader(KEY, 9, Arrays.copyOf(object, WalObjectHeader.SIZE));
    assertThat(header.epoch()).isEqualTo(4);
    assertThat(header.prevId()).isEqualTo(8);
    assertThat(header.batchCount()).isEqualTo(1);
    assertThatThrownBy(() -> WalCodec.decodeHeader(KEY, 9, new byte[10]))
        .isInstanceOf(CorruptObjectException.class);
  }

  private static final byte[] K = {'k'};

  /** Where the first entry of the first batch starts. */
  private static final int FIRST_ENTRY = WalObjectHeader.SIZE + 4 + 8 + 4;

  private static WalObjectHeader header(int batches) {
    return new WalObjectHeader(7, 3, 6, new UUID(5, 6), false, batches);
  }

  private static byte[] forged(int version, byte[]... entries) {
    return RawWal.forged(7, version, entries);
  }
}
