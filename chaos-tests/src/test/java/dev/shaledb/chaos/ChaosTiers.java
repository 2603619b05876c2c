package dev.shaledb.chaos;

import java.nio.file.Path;

/**
 * The sizes of a chaos run, from system properties: the quick tier's defaults are what {@code mvn
 * verify} runs; the {@code chaos} Maven profile sets the long tier's. {@code -Dchaos.seed=S}
 * replays the one seed {@code S}.
 */
final class ChaosTiers {
  private ChaosTiers() {}

  static final int PARALLEL = Integer.getInteger("chaos.parallel", 8);
  static final int SEEDS = Integer.getInteger("chaos.seeds", 200);
  static final int OPS = Integer.getInteger("chaos.ops", 2000);
  static final int KEYS = Integer.getInteger("chaos.keys", 100);
  static final int KILLS = Integer.getInteger("chaos.kills", 10);

  /** Kill cycles against the S3 test server, by default half as many as on local files. */
  static final int S3_KILLS = Integer.getInteger("chaos.s3Kills", Math.max(1, KILLS / 2));

  /** Kill cycles against the Ceph RGW of the RGW tier (docs/testing.md). */
  static final int RGW_KILLS = Integer.getInteger("chaos.rgwKills", 3);

  static final int BANK_SEEDS = Integer.getInteger("chaos.bankSeeds", 20);
  static final long SEED_TIMEOUT_SECONDS = Long.getLong("chaos.seedTimeoutSeconds", 120);
  static final String TIER = System.getProperty("chaos.tier", "quick");

  /** The one seed to replay, or null. */
  static Long replaySeed() {
    String s = System.getProperty("chaos.seed");
    return s == null || s.isBlank() ? null : Long.parseLong(s.trim());
  }

  /** The first seed of a series: {@code -Dchaos.baseSeed}, else fresh, so CI explores. */
  static long baseSeed(String name) {
    Long fixed = Long.getLong("chaos.baseSeed");
    long base = fixed != null ? fixed : System.nanoTime() & 0xFFFF_FFFFL;
    System.out.println(
        "[chaos] " + name + " base seed " + base + " (-Dchaos.baseSeed=" + base + ")");
    return base;
  }

  static Path reportDir() {
    return Path.of(System.getProperty("chaos.reportDir", "target"));
  }

  static String replay(String testClass, long seed) {
    return "mvn -o verify -pl chaos-tests -Dtest="
        + testClass
        + " -Dchaos.seed="
        + seed
        + " -Dsurefire.failIfNoSpecifiedTests=false";
  }
}
