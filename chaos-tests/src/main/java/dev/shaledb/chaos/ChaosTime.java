package dev.shaledb.chaos;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The logical time of one seed, which every process's {@code DbOptions.clock} (and every {@code
 * DbReader}'s) reads: a shared base, the same for all processes, plus each process's fixed skew.
 * Real time does not move it; only {@link #step()} does, once per workload operation: a few
 * milliseconds, and now and then a jump of minutes to an hour ({@link #JUMP_MIN} to {@link
 * #JUMP_MAX}) that every process sees at once. So the clock reading of a call made between two
 * steps is known exactly, and a call that a step of another thread may overlap is bracketed by the
 * base before and after it (what {@link ExpectedState} records at its ticks). The base starts at a
 * fixed instant and its steps are drawn from the seed, so a single-threaded history of a seed sees
 * the same times in every run.
 *
 * <p>Besides times to live, the engine reads this clock only for table ids (which need not advance:
 * their 80 random bits keep them apart, and an id at or below the table floor takes the floor's
 * milliseconds plus one), the flush's and compaction's expiry cutoff, and a {@code DbReader}'s
 * refresh stamp. Thread-safe.
 */
public final class ChaosTime {
  /** Where every seed's base starts: 2026-01-01T00:00:00Z. */
  static final long EPOCH_MILLIS = 1_767_225_600_000L;

  /** The largest skew of a process's clock from the base, either way (docs/testing.md). */
  static final long MAX_SKEW_MILLIS = Duration.ofMinutes(10).toMillis();

  /**
   * The chaos processes' {@code CompactionOptions.expiryGrace}: above the largest difference of two
   * processes' skews (2 x {@link #MAX_SKEW_MILLIS}), the bound docs/engine.md gives for a reader
   * never to see a value vanish before its expiry by its own clock.
   */
  static final Duration EXPIRY_GRACE = Duration.ofMinutes(21);

  static final long JUMP_MIN = Duration.ofMinutes(1).toMillis();
  static final long JUMP_MAX = Duration.ofMinutes(60).toMillis();

  /** One step in this many is a jump. */
  static final int JUMP_ONE_IN = 400;

  /** A step that is not a jump moves the base by up to this many milliseconds. */
  static final int STEP_MAX_MILLIS = 20;

  private final AtomicLong base = new AtomicLong(EPOCH_MILLIS);
  private final SplittableRandom random;
  private long jumps;

  /** The time of the seed {@code seed}; its steps are drawn from a generator of its own. */
  public ChaosTime(long seed) {
    this.random = new SplittableRandom(seed ^ 0x7F4A_7C15_9E37_79B9L);
  }

  /** The shared base now, in milliseconds since the epoch. */
  public long now() {
    return base.get();
  }

  /** Moves the base forward by {@code millis} (at least 0). */
  public void advance(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("time runs forward only: " + millis);
    }
    base.addAndGet(millis);
  }

  /** One workload operation's worth of time; true if it was a jump. */
  public synchronized boolean step() {
    if (random.nextInt(JUMP_ONE_IN) == 0) {
      advance(random.nextLong(JUMP_MIN, JUMP_MAX + 1));
      jumps++;
      return true;
    }
    advance(random.nextInt(STEP_MAX_MILLIS + 1));
    return false;
  }

  /** How many jumps {@link #step()} made. */
  public synchronized long jumps() {
    return jumps;
  }

  /** A process's clock: the base plus {@code skewMillis}. */
  public Clock clock(long skewMillis) {
    return new Skewed(this, skewMillis, ZoneOffset.UTC);
  }

  private static final class Skewed extends Clock {
    private final ChaosTime time;
    private final long skew;
    private final ZoneId zone;

    Skewed(ChaosTime time, long skew, ZoneId zone) {
      this.time = time;
      this.skew = skew;
      this.zone = zone;
    }

    @Override
    public long millis() {
      return time.now() + skew;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId z) {
      return new Skewed(time, skew, z);
    }

    @Override
    public String toString() {
      return "ChaosTime.clock(" + skew + " ms)";
    }
  }
}
