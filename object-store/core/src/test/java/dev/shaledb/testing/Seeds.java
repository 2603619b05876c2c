package dev.shaledb.testing;

import java.util.SplittableRandom;

/**
 * Seeds for randomized tests. Every randomized test takes its seed from here, prints it, and can be
 * replayed with {@code -Dseed=<value>} (or {@code -Dseed=<value>} plus {@code
 * -Dtest=Class#method}).
 *
 * <p>Without {@code -Dseed}, a test gets a fresh seed per run, so CI explores new cases over time
 * while every failure stays reproducible from the printed line.
 */
public final class Seeds {
  private Seeds() {}

  /** A seed for {@code testName}: {@code -Dseed} if set, otherwise a fresh one; always printed. */
  public static long seed(String testName) {
    String fixed = System.getProperty("seed");
    long seed =
        fixed != null
            ? Long.parseLong(fixed)
            : System.nanoTime() ^ Thread.currentThread().getId() * 0x9E3779B97F4A7C15L;
    System.out.println("[seed] " + testName + " -Dseed=" + seed);
    return seed;
  }

  /** A random generator for {@code testName} seeded by {@link #seed(String)}. */
  public static Gen gen(String testName) {
    return new Gen(seed(testName));
  }

  /**
   * Small generator helper over {@link SplittableRandom}; carries its seed for failure messages.
   */
  public static final class Gen {
    private final long seed;
    private final SplittableRandom random;

    public Gen(long seed) {
      this.seed = seed;
      this.random = new SplittableRandom(seed);
    }

    public long seed() {
      return seed;
    }

    public SplittableRandom random() {
      return random;
    }

    public int intBetween(int minInclusive, int maxInclusive) {
      return random.nextInt(minInclusive, maxInclusive + 1);
    }

    public boolean chance(double probability) {
      return random.nextDouble() < probability;
    }

    public byte[] bytes(int length) {
      byte[] out = new byte[length];
      random.nextBytes(out);
      return out;
    }

    /** A length biased towards edge cases: 0, 1, small, and occasionally up to {@code max}. */
    public int skewedLength(int max) {
      int pick = random.nextInt(10);
      if (pick == 0) {
        return 0;
      }
      if (pick == 1) {
        return Math.min(1, max);
      }
      if (pick < 8) {
        return random.nextInt(Math.min(max, 64) + 1);
      }
      return random.nextInt(max + 1);
    }

    /** Describes this generator in assertion messages so a failure names its replay flag. */
    @Override
    public String toString() {
      return "-Dseed=" + seed;
    }
  }
}
