package dev.shaledb.write;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.CompactionOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What slows writers: memory, L0 and compaction debt (sorted runs beyond {@code maxRuns}). */
class MemoryBudgetTest {
  private static final long LIMIT = 64 << 20;
  private static final CompactionOptions COMPACTION = CompactionOptions.defaults();
  private final AtomicInteger l0 = new AtomicInteger();
  private final AtomicInteger runs = new AtomicInteger();
  private final MemoryBudget budget =
      new MemoryBudget(LIMIT, Duration.ofSeconds(1), () -> 0, l0::get, runs::get, COMPACTION);

  @Test
  void runPressureRisesLinearlyFromMaxRunsToTwiceIt() {
    int max = COMPACTION.maxRuns();
    assertThat(budget.pressure(0, 0, 0)).isZero();
    assertThat(budget.pressure(0, 0, max)).isZero();
    assertThat(budget.pressure(0, 0, max + max / 2)).isEqualTo(0.5);
    assertThat(budget.pressure(0, 0, 2 * max)).isEqualTo(1.0);
    assertThat(budget.pressure(0, 0, 10 * max)).isEqualTo(1.0);
  }

  @Test
  void theFurthestOfMemoryL0AndRunsDecides() {
    int max = COMPACTION.maxRuns();
    double quarterRuns = budget.pressure(0, 0, max + max / 4);
    assertThat(quarterRuns).isEqualTo(0.25);
    // memory three quarters of the way from half the limit to the limit
    assertThat(budget.pressure(LIMIT / 2 + 3 * LIMIT / 8, 0, max + max / 4)).isEqualTo(0.75);
    assertThat(budget.pressure(0, COMPACTION.l0StopTables(), max + max / 4)).isEqualTo(1.0);
  }

  @Test
  void writersPassUntouchedUpToMaxRunsAndArePacedBeyond() {
    runs.set(COMPACTION.maxRuns());
    for (int i = 0; i < 100; i++) {
      budget.admit(1 << 20);
    }
    assertThat(budget.stallNanos()).as("at maxRuns nothing waits").isZero();

    runs.set(2 * COMPACTION.maxRuns());
    // Full pressure: the pacer's floor rate, 1 MiB/s, so the second MiB waits its cap (100 ms).
    budget.admit(1 << 20);
    budget.admit(1 << 20);
    assertThat(budget.stallNanos())
        .as("beyond maxRuns writers are paced")
        .isGreaterThanOrEqualTo(WritePacer.MAX_WAIT_NANOS / 2);
  }
}
