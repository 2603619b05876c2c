package dev.shaledb.chaos;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Runs a series of seeds a few at a time. Seeds mostly wait (latency, retry backoff, thread
 * hand-offs), so running several at once shortens the wall time without needing more CPU; a new
 * seed starts as soon as any finishes, because seeds with latency plans take far longer than the
 * others and waiting for a whole wave would idle the other slots. Each seed has its own watchdog: a
 * seed that hangs fails like one that broke a promise. Results are handed over on the caller's
 * thread.
 */
final class SeedWindow {
  private static final int MAX_FAILED_SEEDS = 5;

  /** Receives a finished seed's run and tally, and the wall time it held a slot. */
  interface Finish<T> {
    void accept(long seed, T run, Tally tally, long elapsedNanos);
  }

  private SeedWindow() {}

  /**
   * Runs seeds {@code base .. base + seeds - 1} ({@code create} makes a run, {@code body} runs it)
   * with at most {@code parallel} at once, until all ran or five failed; returns the wall time.
   */
  static <T> long run(
      long base,
      int seeds,
      int parallel,
      LongFunction<T> create,
      Function<T, Tally> body,
      Finish<T> finish)
      throws InterruptedException {
    ExecutorService runner = Executors.newFixedThreadPool(parallel);
    long start = System.nanoTime();
    List<Running<T>> running = new ArrayList<>();
    int next = 0;
    int failed = 0;
    try {
      while (!running.isEmpty() || (next < seeds && failed < MAX_FAILED_SEEDS)) {
        while (running.size() < parallel && next < seeds && failed < MAX_FAILED_SEEDS) {
          T run = create.apply(base + next);
          Future<Tally> f = runner.submit(() -> body.apply(run));
          running.add(new Running<>(base + next, run, f, System.nanoTime()));
          next++;
        }
        Thread.sleep(5);
        for (Iterator<Running<T>> it = running.iterator(); it.hasNext(); ) {
          Running<T> r = it.next();
          Tally tally = r.outcome();
          if (tally != null) {
            it.remove();
            failed += tally.findings().isEmpty() ? 0 : 1;
            finish.accept(r.seed(), r.run(), tally, System.nanoTime() - r.startNanos());
          }
        }
      }
    } finally {
      runner.shutdownNow();
    }
    return System.nanoTime() - start;
  }

  private record Running<T>(long seed, T run, Future<Tally> future, long startNanos) {
    /** The tally once the seed finished or hung, else null. */
    Tally outcome() throws InterruptedException {
      if (future.isDone()) {
        try {
          return future.get();
        } catch (ExecutionException e) {
          throw new AssertionError("seed " + seed + " threw", e.getCause());
        }
      }
      long limit = TimeUnit.SECONDS.toNanos(ChaosTiers.SEED_TIMEOUT_SECONDS);
      if (System.nanoTime() - startNanos <= limit) {
        return null;
      }
      Tally hung = new Tally();
      hung.inc(Stat.SEEDS_RUN);
      hung.finding("seed hung for " + ChaosTiers.SEED_TIMEOUT_SECONDS + " s");
      System.out.println(threadDump());
      future.cancel(true);
      return hung;
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
