package dev.shaledb.sst;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.testing.Seeds;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The key hash is part of the format: stored filters only work if it never changes. */
class KeyHashTest {

  @Test
  void valuesArePinned() {
    assertThat(hash("")).isEqualTo(0xCB70790028D1F637L);
    assertThat(hash("a")).isEqualTo(0xF703958BC81D5F39L);
    assertThat(hash("key-00001")).isEqualTo(0xC4F0DA273C4BD135L);
    assertThat(hash("0123456789abcdef")).isEqualTo(0x98277259D3022007L);
    assertThat(hash("0123456789abcdefg")).isEqualTo(0xA9277C8F13BCC5CFL);
  }

  @Test
  void hashesASliceLikeTheWholeArray() {
    byte[] padded = "xx0123456789abcdefgyy".getBytes(StandardCharsets.UTF_8);
    assertThat(KeyHash.hash64(padded, 2, 17)).isEqualTo(hash("0123456789abcdefg"));
  }

  @Test
  void everyInputBitAffectsAboutHalfTheOutputBits() {
    Seeds.Gen gen = Seeds.gen("KeyHashTest.everyInputBitAffectsAboutHalfTheOutputBits");
    long flipped = 0;
    long trials = 0;
    for (int i = 0; i < 200; i++) {
      byte[] key = gen.bytes(gen.intBetween(1, 40));
      long h = KeyHash.hash64(key);
      for (int bit = 0; bit < key.length * 8; bit++) {
        key[bit >>> 3] ^= (byte) (1 << (bit & 7));
        flipped += Long.bitCount(h ^ KeyHash.hash64(key));
        key[bit >>> 3] ^= (byte) (1 << (bit & 7));
        trials++;
      }
    }
    assertThat((double) flipped / trials).as(gen.toString()).isBetween(31.0, 33.0);
  }

  private static long hash(String s) {
    return KeyHash.hash64(s.getBytes(StandardCharsets.UTF_8));
  }
}
