package dev.shaledb.cache;

import static dev.shaledb.cache.RangeSource.bytesOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.Futures;
import dev.shaledb.testing.Seeds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent misses of one range make one fetch; concurrent reads never see wrong bytes. */
class DiskCacheRaceTest {
  @TempDir Path dir;

  @Test
  void concurrentMissesOfOneRangeShareOneFetch() throws Exception {
    int threads = 8;
    try (DiskCache c = DiskCache.open(dir, DiskCache.MIN_BYTES)) {
      for (int round = 0; round < 200; round++) {
        String key = "t/" + round;
        AtomicInteger fetches = new AtomicInteger();
        CompletableFuture<byte[]> store = new CompletableFuture<>();
        CyclicBarrier start = new CyclicBarrier(threads);
        List<CompletableFuture<byte[]>> reads = new ArrayList<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          CompletableFuture<byte[]> mine = new CompletableFuture<>();
          reads.add(mine);
          Thread th =
              new Thread(
                  () -> {
                    try {
                      start.await();
                      mine.complete(
                          Futures.join(
                              c.read(
                                  key,
                                  0,
                                  100,
                                  () -> {
                                    fetches.incrementAndGet();
                                    return store;
                                  },
                                  b -> true)));
                    } catch (Exception e) {
                      mine.completeExceptionally(e);
                    }
                  });
          th.start();
          ts.add(th);
        }
        // The fetch stays open until every thread has missed, so all of them overlap it.
        while (c.stats().misses() < (long) (round + 1) * threads) {
          Thread.onSpinWait();
        }
        store.complete(bytesOf(key, 0, 100));
        for (Thread th : ts) {
          th.join();
        }
        for (CompletableFuture<byte[]> r : reads) {
          assertThat(r.join()).isEqualTo(bytesOf(key, 0, 100));
        }
        assertThat(fetches).as("round %d", round).hasValue(1);
      }
    }
  }

  @Test
  void manyThreadsReadingWritingAndEvictingNeverSeeWrongBytes() throws Exception {
    long seed = Seeds.seed("DiskCacheRaceTest.manyThreads");
    try (DiskCache c = DiskCache.open(dir, DiskCache.MIN_BYTES)) {
      int threads = 4;
      CountDownLatch done = new CountDownLatch(threads);
      List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int t = 0; t < threads; t++) {
        SplittableRandom random = new SplittableRandom(seed + t);
        new Thread(
                () -> {
                  try {
                    for (int i = 0; i < 20_000; i++) {
                      // 2,000 ranges of 8 KiB: four times the budget, so segments are evicted
                      // while reads of them run.
                      int r = random.nextInt(2000);
                      String key = "t/" + (r % 7);
                      byte[] got =
                          Futures.join(
                              c.read(
                                  key,
                                  r * 8192L,
                                  8192,
                                  () ->
                                      CompletableFuture.completedFuture(
                                          bytesOf(key, r * 8192L, 8192)),
                                  b -> true));
                      assertThat(got).isEqualTo(bytesOf(key, r * 8192L, 8192));
                      if (random.nextInt(500) == 0) {
                        c.invalidate(List.of(key));
                      }
                    }
                  } catch (Throwable e) {
                    failures.add(e);
                  } finally {
                    done.countDown();
                  }
                })
            .start();
      }
      done.await();
      assertThat(failures).isEmpty();
      // Not vacuous: the cache served hits and evicted segments while the threads ran.
      assertThat(c.stats().hits()).isPositive();
      assertThat(c.stats().writes() * 8192).isGreaterThan(DiskCache.MIN_BYTES);
    }
  }
}
