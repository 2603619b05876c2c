package dev.shaledb.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.testing.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Random objects of every entry kind, with and without expiry, survive encoding and decoding
 * unchanged, are written in the lowest version that holds them, and have exactly the size the
 * entries account for. Case {@code i} runs on seed {@code base + i}; a failure names its seed, and
 * {@code -Dseed=<that seed>} replays it as case 0.
 */
class WalFormatRoundTripPropertyTest {
  private static final int CASES = 200;

  @Test
  void randomObjectsOfEveryKindRoundTrip() {
    long base = Seeds.seed("WalFormatRoundTripPropertyTest.randomObjectsOfEveryKindRoundTrip");
    int[] versions = new int[3];
    int[] kinds = new int[WalEntry.Kind.values().length];
    int expiring = 0;
    for (int i = 0; i < CASES; i++) {
      Seeds.Gen gen = new Seeds.Gen(base + i);
      boolean legacyOnly = gen.chance(0.3);
      List<WalBatch> batches = new ArrayList<>();
      long seq = gen.random().nextLong(1, 1L << 50);
      for (int b = gen.intBetween(1, 4); b > 0; b--) {
        WalBatch batch = randomBatch(gen, seq, legacyOnly);
        batches.add(batch);
        seq = batch.lastSeq() + 1;
      }
      long walId = gen.random().nextLong(2, 1L << 40);
      WalObjectHeader header =
          new WalObjectHeader(
              walId,
              gen.random().nextLong(1, 1L << 20),
              gen.random().nextLong(0, walId),
              new UUID(gen.random().nextLong(), gen.random().nextLong()),
              false,
              batches.size());
      String key = WalKeys.key("db", walId);

      byte[] bytes = WalFormat.encode(header, batches);

      boolean needsVersion2 = false;
      long expectedSize = WalObjectHeader.FENCE_OBJECT_SIZE;
      for (WalBatch batch : batches) {
        long batchSize = BatchCodec.FIXED_BYTES;
        for (WalEntry e : batch.entries()) {
          batchSize += e.encodedSize();
          kinds[e.kind().ordinal()]++;
          expiring += e.hasExpiry() ? 1 : 0;
          needsVersion2 |=
              e.hasExpiry()
                  || e.kind() == WalEntry.Kind.MERGE
                  || e.kind() == WalEntry.Kind.DELETE_RANGE;
        }
        assertThat(BatchCodec.encode(batch).length()).as("%s", gen).isEqualTo(batchSize);
        expectedSize += batchSize;
      }
      assertThat(bytes.length).as("%s", gen).isEqualTo(expectedSize);
      int version = RawWal.version(bytes);
      assertThat(version).as("%s", gen).isEqualTo(needsVersion2 ? 2 : 1);
      versions[version]++;
      WalObject decoded = WalFormat.decode(key, walId, bytes);
      assertThat(decoded.header()).as("%s", gen).isEqualTo(header);
      assertThat(decoded.batches()).as("%s", gen).isEqualTo(batches);
      assertThat(WalFormat.encode(decoded.header(), decoded.batches()))
          .as("%s: re-encoding is stable", gen)
          .isEqualTo(bytes);
      byte[] torn = Arrays.copyOf(bytes, gen.intBetween(0, bytes.length - 1));
      assertThatThrownBy(() -> WalFormat.decode(key, walId, torn))
          .as("%s, torn at %d", gen, torn.length)
          .isInstanceOf(CorruptObjectException.class);
    }
    // Not vacuous: both versions were written, and every kind and expiries were exercised.
    assertThat(versions[1]).as("version 1 objects").isGreaterThan(CASES / 10);
    assertThat(versions[2]).as("version 2 objects").isGreaterThan(CASES / 10);
    for (WalEntry.Kind k : WalEntry.Kind.values()) {
      assertThat(kinds[k.ordinal()]).as("%s entries", k).isGreaterThan(20);
    }
    assertThat(expiring).as("expiring entries").isGreaterThan(20);
  }

  private static WalBatch randomBatch(Seeds.Gen gen, long firstSeq, boolean legacyOnly) {
    List<WalEntry> entries = new ArrayList<>();
    for (int i = gen.intBetween(1, 6); i > 0; i--) {
      entries.add(randomEntry(gen, legacyOnly));
    }
    return new WalBatch(firstSeq, entries);
  }

  private static WalEntry randomEntry(Seeds.Gen gen, boolean legacyOnly) {
    byte[] key = randomKey(gen);
    int pick = gen.intBetween(0, legacyOnly ? 1 : 3);
    return switch (pick) {
      case 0 -> WalEntry.put(key, gen.bytes(gen.skewedLength(300)), expiry(gen, legacyOnly));
      case 1 -> WalEntry.delete(key);
      case 2 -> WalEntry.merge(key, gen.bytes(gen.skewedLength(300)), expiry(gen, false));
      default -> {
        byte[] other = randomKey(gen);
        int order = Arrays.compareUnsigned(key, other);
        if (order == 0) {
          // The shortest key after {@code key}: its successor in unsigned byte order.
          other = Arrays.copyOf(key, key.length + 1);
          order = -1;
        }
        yield order < 0 ? WalEntry.deleteRange(key, other) : WalEntry.deleteRange(other, key);
      }
    };
  }

  /** Keys biased to share prefixes and to hold 0x00 and 0xff, where unsigned order matters. */
  private static byte[] randomKey(Seeds.Gen gen) {
    byte[] key = gen.bytes(gen.intBetween(1, gen.chance(0.05) ? 2000 : 12));
    for (int i = 0; i < key.length; i++) {
      if (gen.chance(0.3)) {
        key[i] = (byte) (gen.chance(0.5) ? 0 : 0xff);
      }
    }
    return key;
  }

  private static long expiry(Seeds.Gen gen, boolean never) {
    if (never || gen.chance(0.5)) {
      return WalEntry.NO_EXPIRY;
    }
    return switch (gen.intBetween(0, 3)) {
      case 0 -> 0;
      case 1 -> Long.MAX_VALUE;
      default -> gen.random().nextLong(0, Long.MAX_VALUE);
    };
  }
}
