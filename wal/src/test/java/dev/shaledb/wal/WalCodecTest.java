package dev.shaledb.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.UnsupportedFormatException;
import dev.shaledb.testing.Seeds;
import java.nio.ByteBuffer;
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
    List<byte[]> encoded = new ArrayList<>();
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
    int secondBatch = WalObjectHeader.SIZE + BatchCodec.encode(TestWal.batch(1, "a")).length;
    byte[] bad = good.clone();
    bad[secondBatch + 14] ^= 1;
    resealTrailer(bad);
    assertThatThrownBy(() -> WalCodec.decode(KEY, 7, bad))
        .isInstanceOfSatisfying(
            CorruptObjectException.class, e -> assertThat(e.offset()).isEqualTo(secondBatch))
        .hasMessageContaining("batch checksum");
  }

  @Test
  void newerVersionIsUnsupported() {
    byte[] bytes = TestWal.fence(7, 1);
    bytes[5] = 2;
    resealHeader(bytes);
    resealTrailer(bytes);
    assertThatThrownBy(() -> WalCodec.decode(KEY, 7, bytes))
        .isInstanceOfSatisfying(
            UnsupportedFormatException.class, e -> assertThat(e.foundVersion()).isEqualTo(2));
    assertThatThrownBy(() -> WalCodec.decodeHeader(KEY, 7, bytes))
        .isInstanceOf(UnsupportedFormatException.class);
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
    resealHeader(flags);
    resealTrailer(flags);
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

  static void resealTrailer(byte[] bytes) {
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, WalCodec.crc(bytes, 0, bytes.length - 4));
  }

  static void resealHeader(byte[] bytes) {
    ByteBuffer.wrap(bytes)
        .putInt(WalObjectHeader.SIZE - 4, WalCodec.crc(bytes, 0, WalObjectHeader.SIZE - 4));
  }
}
