package dev.shaledb.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
    // shortens the wall time without needing more CPU. A new seed starts as soon as any finishes:
    // seeds with latency plans take far longer than the others, and waiting for a whole wave would
    // idle the other slots.
    int parallel = replay != null ? 1 : ChaosTiers.PARALLEL;
    ExecutorService runner = Executors.newFixedThreadPool(parallel);
    long totalStart = System.nanoTime();
    List<Running> running = new ArrayList<>();
    int next = 0;
    try {
      while (running.size() > 0 || (next < seeds && failures.size() < 5)) {
        while (running.size() < parallel && next < seeds && failures.size() < 5) {
          SeedRun run = new SeedRun(base + next, ChaosTiers.OPS, ChaosTiers.KEYS);
          running.add(new Running(base + next, run, runner.submit(run::run), System.nanoTime()));
          next++;
        }
        Thread.sleep(5);
        for (Iterator<Running> it = running.iterator(); it.hasNext(); ) {
          Tally tally = it.next().finished(parallel, failures);
          if (tally != null) {
            it.remove();
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

  /** A seed in flight; its watchdog counts from its own start. */
  private record Running(long seed, SeedRun run, Future<Tally> future, long startNanos) {
    /** The seed's tally once it finished or hung (and is then recorded), else null. */
    Tally finished(int parallel, List<String> failures) throws InterruptedException {
      long elapsed = System.nanoTime() - startNanos;
      Tally tally;
      if (future.isDone()) {
        try {
          tally = future.get();
        } catch (ExecutionException e) {
          throw new AssertionError("seed " + seed + " threw", e.getCause());
        }
      } else if (elapsed > TimeUnit.SECONDS.toNanos(ChaosTiers.SEED_TIMEOUT_SECONDS)) {
        tally = new Tally();
        tally.inc(Stat.SEEDS_RUN);
        tally.finding("seed hung for " + ChaosTiers.SEED_TIMEOUT_SECONDS + " s");
        System.out.println(threadDump());
        future.cancel(true);
      } else {
        return null;
      }
      String how = ChaosTiers.replay("ChaosSeedsTest", seed) + "  # plan " + run.plan();
      // Each seed is charged its share of the wall time the slots were busy with it.
      ChaosReport.shared().add("in-process", tally, run.requests(), elapsed / parallel, how);
      if (!tally.findings().isEmpty()) {
        failures.add(how + "\n  " + String.join("\n  ", tally.findings()));
        System.out.println("[chaos] FAILED seed " + seed + ": replay with " + how);
      }
      return tally;
    }
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
