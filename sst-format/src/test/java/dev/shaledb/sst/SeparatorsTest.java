package dev.shaledb.sst;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exhaustive over short keys from an edge-case alphabet: separators route right and are short. */
class SeparatorsTest {
  private static final byte[] ALPHABET = {0x00, 0x01, 0x02, 0x7F, (byte) 0xFE, (byte) 0xFF};

  @Test
  void separatorsAreShortestKeysBetweenBlocks() {
    List<byte[]> keys = allKeys(3);
    for (byte[] last : keys) {
      for (byte[] next : keys) {
        int c = Arrays.compareUnsigned(last, next);
        if (c > 0) {
          continue;
        }
        byte[] s = Separators.between(last, last.length, next, next.length);
        String where = hex(last) + " .. " + hex(next) + " -> " + hex(s);
        if (c == 0) {
          assertThat(s).as(where).isEqualTo(last);
          continue;
        }
        assertThat(Arrays.compareUnsigned(last, s)).as(where).isLessThanOrEqualTo(0);
        assertThat(Arrays.compareUnsigned(s, next)).as(where).isLessThan(0);
        assertThat(s.length).as(where).isEqualTo(shortestLength(last, next));
      }
    }
  }

  @Test
  void separatorsWorkOnBufferPrefixes() {
    byte[] last = {1, 2, 3, 9, 9};
    byte[] next = {1, 5, 0, 9};
    assertThat(Separators.between(last, 3, next, 3)).containsExactly(1, 3);
    assertThat(Separators.successor(last, 3)).containsExactly(2);
  }

  @Test
  void successorsAreShortAndNotSmaller() {
    for (byte[] key : allKeys(3)) {
      byte[] s = Separators.successor(key, key.length);
      assertThat(Arrays.compareUnsigned(s, key)).as(hex(key)).isGreaterThanOrEqualTo(0);
      assertThat(s.length).isLessThanOrEqualTo(key.length);
    }
    assertThat(Separators.successor(new byte[] {(byte) 0xFF, 7}, 2))
        .containsExactly((byte) 0xFF, 8);
  }

  /**
   * The length of the shortest s with last <= s < next, found by trying each length L: the smallest
   * key of length L that is >= last is last's first L bytes, padded or incremented as needed.
   */
  private static int shortestLength(byte[] last, byte[] next) {
    for (int len = 1; ; len++) {
      byte[] candidate = smallestOfLengthAtLeast(last, len);
      if (candidate != null && Arrays.compareUnsigned(candidate, next) < 0) {
        return len;
      }
    }
  }

  private static byte[] smallestOfLengthAtLeast(byte[] last, int len) {
    byte[] c = Arrays.copyOf(last, len);
    if (len >= last.length) {
      return c;
    }
    for (int i = len - 1; i >= 0; i--) {
      if (c[i] != (byte) 0xFF) {
        c[i]++;
        Arrays.fill(c, i + 1, len, (byte) 0);
        return c;
      }
    }
    return null;
  }

  private static List<byte[]> allKeys(int maxLength) {
    List<byte[]> out = new ArrayList<>();
    List<byte[]> level = List.of(new byte[0]);
    for (int len = 1; len <= maxLength; len++) {
      List<byte[]> nextLevel = new ArrayList<>();
      for (byte[] prefix : level) {
        for (byte b : ALPHABET) {
          byte[] k = Arrays.copyOf(prefix, len);
          k[len - 1] = b;
          nextLevel.add(k);
        }
      }
      out.addAll(nextLevel);
      level = nextLevel;
    }
    return out;
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
