package dev.shaledb.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bank tier: {@link ChaosTiers#BANK_SEEDS} seeds of {@link BankRun}. */
class BankTest {
  static final java.util.logging.Logger ENGINE_LOG = ChaosSeedsTest.quiet();

  @AfterAll
  static void writeReport() {
    ChaosReport.shared().write(ChaosTiers.reportDir());
  }

  @Test
  @Timeout(value = 24, unit = TimeUnit.HOURS)
  void theTotalNeverChanges() throws InterruptedException {
    Long replay = ChaosTiers.replaySeed();
    long base = replay != null ? replay : ChaosTiers.baseSeed("BankTest");
    int seeds = replay != null ? 1 : ChaosTiers.BANK_SEEDS;
    List<String> failures = new ArrayList<>();
    Tally total = new Tally();
    int parallel = replay != null ? 1 : ChaosTiers.PARALLEL;
    SeedWindow.run(
        base,
        seeds,
        parallel,
        seed -> new BankRun(seed, 10, 500),
        BankRun::run,
        (seed, run, tally, elapsed) -> {
          String how = ChaosTiers.replay("BankTest", seed) + "  # plan " + run.plan();
          total.addAll(tally);
          ChaosReport.shared().add("bank", tally, run.store().snapshot(), elapsed / parallel, how);
          if (!tally.findings().isEmpty()) {
            failures.add(how + "\n  " + String.join("\n  ", tally.findings()));
          }
        });
    assertThat(failures).as("bank seeds whose total changed").isEmpty();
    ChaosSeedsTest.assertMustBeZeroRows(total);
  }
}
