package dev.shaledb.chaos;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Damages a copy of the bytes a read returned, in one of four ways chosen by a salt drawn when the
 * request was made. Every result differs from the true bytes; where a way would not change them
 * (zeroing zeros, another object with the same bytes, no other object seen yet) a bit is flipped
 * instead.
 */
final class ReadCorruption {
  // Large enough to reach across blocks of any object format, small enough to stay cheap.
  private static final int MAX_ZEROED = 4096;

  /**
   * The damaged copy and where it differs from the true bytes: {@code [from, to)}, indexes into the
   * true bytes (a shorter copy differs from where it ends to the end of the true bytes).
   */
  record Damaged(FaultKind kind, byte[] data, int from, int to) {
    Damaged(FaultKind kind, byte[] original, byte[] data) {
      this(kind, data, firstDifference(original, data), lastDifference(original, data) + 1);
    }
  }

  private ReadCorruption() {}

  /** Damages {@code data} (not empty, never modified); {@code foreign} may be null. */
  static Damaged apply(byte[] data, long salt, byte[] foreign) {
    SplittableRandom r = new SplittableRandom(salt);
    int mode = r.nextInt(4);
    if (mode == 1) {
      byte[] out = data.clone();
      int from = r.nextInt(out.length);
      int to = from + 1 + r.nextInt(Math.min(out.length - from, MAX_ZEROED));
      Arrays.fill(out, from, to, (byte) 0);
      if (!Arrays.equals(out, data)) {
        return new Damaged(FaultKind.CORRUPT_ZEROED_RANGE, data, out);
      }
    } else if (mode == 2) {
      return new Damaged(
          FaultKind.CORRUPT_TRUNCATED, data, Arrays.copyOf(data, r.nextInt(data.length)));
    } else if (mode == 3 && foreign != null && foreign.length > 0) {
      byte[] out = Arrays.copyOf(foreign, Math.min(data.length, foreign.length));
      if (!Arrays.equals(out, data)) {
        return new Damaged(FaultKind.CORRUPT_FOREIGN_BYTES, data, out);
      }
    }
    byte[] out = data.clone();
    out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
    return new Damaged(FaultKind.CORRUPT_BIT_FLIP, data, out);
  }

  private static int firstDifference(byte[] original, byte[] damaged) {
    int i = Arrays.mismatch(original, damaged);
    if (i < 0) {
      throw new IllegalArgumentException("the damaged bytes equal the true ones");
    }
    return i;
  }

  private static int lastDifference(byte[] original, byte[] damaged) {
    if (damaged.length != original.length) {
      return original.length - 1;
    }
    int i = original.length - 1;
    while (original[i] == damaged[i]) {
      i--;
    }
    return i;
  }
}
