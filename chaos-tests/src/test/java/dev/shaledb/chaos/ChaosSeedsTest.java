package dev.shaledb.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The in-process tier: {@link ChaosTiers#SEEDS} seeds of {@link ChaosTiers#OPS} operations, each a
 * {@link SeedRun} with crashes, faults, zombies and twin writers, checked by the oracle. A seed
 * that hangs past its watchdog fails like one that broke a promise.
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
    // Seeds mostly wait (latency, retry backoff, thread hand-offs), so running a few at once
    // shortens the wall time without needing more CPU.
    int parallel = replay != null ? 1 : ChaosTiers.PARALLEL;
    ExecutorService runner = Executors.newFixedThreadPool(parallel);
    long totalStart = System.nanoTime();
    try {
      for (int wave = 0; wave < seeds && failures.size() < 5; wave += parallel) {
        List<SeedRun> runs = new ArrayList<>();
        List<Future<Tally>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = wave; i < Math.min(seeds, wave + parallel); i++) {
          SeedRun run = new SeedRun(base + i, ChaosTiers.OPS, ChaosTiers.KEYS);
          runs.add(run);
          futures.add(runner.submit(run::run));
        }
        long deadline = start + TimeUnit.SECONDS.toNanos(ChaosTiers.SEED_TIMEOUT_SECONDS);
        List<Tally> tallies = new ArrayList<>();
        for (Future<Tally> f : futures) {
          try {
            tallies.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
          } catch (TimeoutException e) {
            Tally hung = new Tally();
            hung.inc(Stat.SEEDS_RUN);
            hung.finding("seed hung for " + ChaosTiers.SEED_TIMEOUT_SECONDS + " s");
            System.out.println(threadDump());
            f.cancel(true);
            tallies.add(hung);
          }
        }
        // Each run of a wave is charged an equal share of the wave's wall time.
        long share = (System.nanoTime() - start) / runs.size();
        for (int j = 0; j < runs.size(); j++) {
          long seed = base + wave + j;
          SeedRun run = runs.get(j);
          Tally tally = tallies.get(j);
          String how = ChaosTiers.replay("ChaosSeedsTest", seed) + "  # plan " + run.plan();
          ChaosReport.shared().add("in-process", tally, run.requests(), share, how);
          if (!tally.findings().isEmpty()) {
            failures.add(how + "\n  " + String.join("\n  ", tally.findings()));
            System.out.println("[chaos] FAILED seed " + seed + ": replay with " + how);
          }
        }
      }
    } finally {
      runner.shutdownNow();
    }
    System.out.printf(
        "[chaos] %d seeds in %.1f s%n", seeds, (System.nanoTime() - totalStart) / 1e9);
    assertThat(failures).as("failing seeds; replay each with the line shown").isEmpty();
  }

  private static String threadDump() {
    StringBuilder sb = new StringBuilder("[chaos] thread dump\n");
    Thread.getAllStackTraces()
        .forEach(
            (t, st) -> {
              sb.append(t.getName()).append('\n');
              for (int i = 0; i < Math.min(st.length, 25); i++) {
                sb.append("    at ").append(st[i]).append('\n');
              }
            });
    return sb.toString();
  }
}
