package dev.shaledb.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The in-process tier: {@link ChaosTiers#SEEDS} seeds of {@link ChaosTiers#OPS} operations, each a
 * {@link SeedRun} with crashes, faults, zombies and twin writers, checked by the oracle, run a few
 * at a time by {@link SeedWindow}.
 */
class ChaosSeedsTest {
  // The flusher logs every failed upload with a stack trace; thousands of injected faults would
  // bury the output. Held in a field so the setting is not garbage-collected.
  static final java.util.logging.Logger ENGINE_LOG = quiet();

  static java.util.logging.Logger quiet() {
    java.util.logging.Logger log = java.util.logging.Logger.getLogger("dev.shaledb");
    log.setLevel(java.util.logging.Level.SEVERE);
    return log;
  }

  @AfterAll
  static void writeReport() {
    System.out.println(ChaosReport.shared().write(ChaosTiers.reportDir()));
  }

  @Test
  @Timeout(value = 24, unit = TimeUnit.HOURS)
  void seedsKeepEveryPromise() throws Exception {
    Long replay = ChaosTiers.replaySeed();
    long base = replay != null ? replay : ChaosTiers.baseSeed("ChaosSeedsTest");
    int seeds = replay != null ? 1 : ChaosTiers.SEEDS;
    List<String> failures = new ArrayList<>();
    Tally total = new Tally();
    int parallel = replay != null ? 1 : ChaosTiers.PARALLEL;
    long wall =
        SeedWindow.run(
            base,
            seeds,
            parallel,
            seed -> new SeedRun(seed, ChaosTiers.OPS, ChaosTiers.KEYS),
            SeedRun::run,
            (seed, run, tally, elapsed) -> {
              String how = ChaosTiers.replay("ChaosSeedsTest", seed) + "  # plan " + run.plan();
              total.addAll(tally);
              // Each seed is charged its share of the wall time the slots were busy with it.
              ChaosReport.shared()
                  .add("in-process", tally, run.requests(), elapsed / parallel, how);
              if (!tally.findings().isEmpty()) {
                failures.add(how + "\n  " + String.join("\n  ", tally.findings()));
                System.out.println("[chaos] FAILED seed " + seed + ": replay with " + how);
              }
            });
    System.out.printf("[chaos] %d seeds in %.1f s%n", seeds, wall / 1e9);
    assertThat(failures).as("failing seeds; replay each with the line shown").isEmpty();
    assertMustBeZeroRows(total);
    if (replay == null && seeds >= 100) {
      // Not vacuous: a tier this size stalls at every point and checks every new kind of read.
      for (StallPoint p : StallPoint.values()) {
        assertThat(total.stalls().getOrDefault(p, 0L)).as("stalls at %s", p).isPositive();
      }
      for (Stat s :
          List.of(
              Stat.HELD_CHECKED,
              Stat.HELD_ACROSS_DELETION,
              Stat.DURABLE_READS,
              Stat.FAILED_WRITES_CHECKED,
              Stat.STALL_TABLES_DELETED,
              Stat.TTL_WRITES,
              Stat.CLOCK_JUMPS,
              Stat.EXPIRED_READS,
              Stat.CLONES_CREATED,
              Stat.CLONE_CYCLES,
              Stat.CLONE_SOURCE_GC,
              Stat.CLONE_KEYS_VERIFIED,
              Stat.CLONE_PINS_RELEASED,
              Stat.BULK_LOAD_PROCESSES,
              Stat.BULK_LOAD_FLUSHES,
              Stat.WARMING_PROCESSES,
              Stat.RUN_DEBT_PROCESSES)) {
        assertThat(total.get(s)).as(s.label()).isPositive();
      }
    }
  }

  /** Every must-be-0 row of the report is 0 (each comes with a finding too; this says which). */
  static void assertMustBeZeroRows(Tally total) {
    for (Stat s : Stat.values()) {
      if (s.mustBeZero()) {
        List<String> findings = total.findings();
        assertThat(total.get(s))
            .as("%s (%s)", s.label(), findings.subList(0, Math.min(5, findings.size())))
            .isZero();
      }
    }
  }
}
