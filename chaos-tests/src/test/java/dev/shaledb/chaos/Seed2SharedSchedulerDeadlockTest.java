package dev.shaledb.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Engine finding of chaos seed 2 (base seed 1; also seeds 5, 7, 9): with one scheduler for the
 * engine and the store's retries/latency, durable writes hang forever. {@code Flusher.run} blocks a
 * scheduler thread in {@code Futures.join} (table upload, {@code ManifestStore.land}); a wake-up
 * during that run schedules a second run, which blocks the other thread on the synchronized {@code
 * flushOldest}. With both threads blocked, the retry that would complete the joined put, and the
 * WAL completions a durable write waits for, never run. Fixed by running flushes, compaction
 * retries, GC and manifest polls on the engine's own background threads.
 */
class Seed2SharedSchedulerDeadlockTest {
  static final java.util.logging.Logger ENGINE_LOG = ChaosSeedsTest.quiet();

  @Test
  void durableWritesDoNotHangWhenTheSchedulerIsShared() throws Exception {
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try {
      Future<Tally> f = runner.submit(() -> new SeedRun(2, 2000, 100).sharingOneScheduler().run());
      Tally tally = f.get(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS);
      assertThat(tally.findings()).isEmpty();
    } finally {
      runner.shutdownNow();
    }
  }
}
