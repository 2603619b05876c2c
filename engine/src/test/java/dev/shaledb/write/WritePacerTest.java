package dev.shaledb.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pacer's schedule on a virtual clock. */
class WritePacerTest {
  private static final long MS = 1_000_000L;
  private static final long MIB = 1 << 20;

  @Test
  void writersShareOneScheduleAtTheDrainRate() {
    WritePacer pacer = new WritePacer();
    pacer.drained(64 * MIB, 1000 * MS); // 64 MiB/s measured once: 0.75 * 16 + 0.25 * 64 = 28
    assertThat(pacer.drainBytesPerSecond()).isEqualTo(28.0 * MIB);
    long now = 0;
    assertThat(pacer.reserve(MIB, 0, now)).isZero();
    // Two more writers arriving at the same instant wait one and two MiB's worth of the rate.
    long one = (long) (MIB * 1e9 / (28.0 * MIB));
    assertThat(pacer.reserve(MIB, 0, now)).isEqualTo(one);
    assertThat(pacer.reserve(MIB, 0, now)).isEqualTo(2 * one);
  }

  @Test
  void theRateFallsLinearlyWithPressure() {
    WritePacer low = new WritePacer();
    WritePacer high = new WritePacer();
    low.reserve(64 << 10, 0.0, 0);
    high.reserve(64 << 10, 0.75, 0);
    long atZero = low.reserve(1, 0.0, 0);
    long atThreeQuarters = high.reserve(1, 0.75, 0);
    assertThat((double) atThreeQuarters / atZero).isBetween(3.99, 4.01);
  }

  @Test
  void writesSlowerThanTheRateNeverWait() {
    WritePacer pacer = new WritePacer();
    SplittableRandom random = new SplittableRandom(7);
    long now = 0;
    long previousCost = 0;
    for (int i = 0; i < 10_000; i++) {
      long bytes = 1 + random.nextInt(4096);
      // Arrive once the previous write's share of 16 MiB/s at pressure 0.5 (8 MiB/s) has passed.
      now += previousCost + 1;
      assertThat(pacer.reserve(bytes, 0.5, now)).as("write %d", i).isZero();
      previousCost = (long) (bytes * 1e9 / (8.0 * MIB));
    }
  }

  @Test
  void noWriteWaitsLongerThanTheCapHoweverLargeTheBurst() {
    WritePacer pacer = new WritePacer();
    long max = 0;
    for (int i = 0; i < 1000; i++) {
      max = Math.max(max, pacer.reserve(8 * MIB, 1.0, 0));
    }
    assertThat(max).isEqualTo(WritePacer.MAX_WAIT_NANOS);
  }

  @Test
  void atFullPressureTheRateIsTheFloorNotZero() {
    WritePacer pacer = new WritePacer();
    pacer.reserve(1, 1.0, 0);
    long wait = pacer.reserve(1024, 1.0, 0);
    assertThat(wait).isPositive().isLessThan(2 * MS); // a byte costs at most 1/MIN_BYTES_PER_SECOND
  }

  @Test
  void aTinyMeasuredDrainDoesNotStarveWriters() {
    WritePacer pacer = new WritePacer();
    for (int i = 0; i < 100; i++) {
      pacer.drained(1, 1000 * MS);
    }
    assertThat(pacer.drainBytesPerSecond()).isEqualTo(WritePacer.MIN_BYTES_PER_SECOND);
    pacer.drained(0, 5);
    pacer.drained(5, 0);
    assertThat(pacer.drainBytesPerSecond()).isEqualTo(WritePacer.MIN_BYTES_PER_SECOND);
  }
}
