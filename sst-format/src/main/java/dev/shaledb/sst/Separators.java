package dev.shaledb.sst;

import java.util.Arrays;

/**
 * Index separators: the shortest keys that still route every lookup to the right data block, so the
 * resident index stays small.
 */
final class Separators {
  private Separators() {}

  /**
   * The shortest key {@code s} with {@code last <= s < next}, where {@code last} is the last key of
   * a block and {@code next} the first key of the following one. When both are equal (the versions
   * of one key span the two blocks), returns {@code last}: a lookup of that key must then continue
   * into the next block.
   */
  static byte[] between(byte[] last, int lastLen, byte[] next, int nextLen) {
    int d = Arrays.mismatch(last, 0, lastLen, next, 0, nextLen);
    if (d < 0 || d == lastLen || lastLen == d + 1) {
      return Arrays.copyOf(last, lastLen);
    }
    int lastByte = last[d] & 0xFF;
    int nextByte = next[d] & 0xFF;
    if (lastByte + 1 < nextByte) {
      byte[] s = Arrays.copyOf(last, d + 1);
      s[d] = (byte) (lastByte + 1);
      return s;
    }
    if (nextLen > d + 1) {
      // A proper prefix of next sorts before it and, differing at d, after last.
      return Arrays.copyOf(next, d + 1);
    }
    // next is last[0..d) + (last[d] + 1): keep last[0..d] and bump the first byte after it that
    // can be bumped without reaching last's own length.
    for (int k = d + 1; k < lastLen - 1; k++) {
      if (last[k] != (byte) 0xFF) {
        byte[] s = Arrays.copyOf(last, k + 1);
        s[k]++;
        return s;
      }
    }
    return Arrays.copyOf(last, lastLen);
  }

  /** A short key {@code s >= last}, for the last block of a table. */
  static byte[] successor(byte[] last, int lastLen) {
    for (int i = 0; i < lastLen; i++) {
      if (last[i] != (byte) 0xFF) {
        byte[] s = Arrays.copyOf(last, i + 1);
        s[i]++;
        return s;
      }
    }
    return Arrays.copyOf(last, lastLen);
  }
}
