package dev.shaledb.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.testing.Seeds;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyFilterTest {

  private static byte[] key(long n) {
    return ByteBuffer.allocate(16).putLong(n * 0x9E3779B97F4A7C15L).putLong(n).array();
  }

  @Test
  void everyAddedKeyIsFoundAndFewOthersAre() {
    Seeds.Gen gen = Seeds.gen("KeyFilterTest.everyAddedKeyIsFoundAndFewOthersAre");
    int keys = 50_000;
    KeyFilter filter = new KeyFilter(keys);
    List<byte[]> added = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      byte[] k = gen.bytes(gen.intBetween(1, 40));
      filter.add(k);
      added.add(k);
    }
    assertThat(added).allMatch(filter::mayContain);
    int falsePositives = 0;
    int probes = 100_000;
    for (int i = 0; i < probes; i++) {
      // 41 or more bytes: never one of the added keys.
      if (filter.mayContain(gen.bytes(gen.intBetween(41, 60)))) {
        falsePositives++;
      }
    }
    // 10.5 bits per key at this size (the bit count rounds up to a power of two): ~1 %.
    assertThat((double) falsePositives / probes).as("false-positive rate").isLessThan(0.02);
  }

  @Test
  void anOverfullFilterOnlyLosesSelectivity() {
    KeyFilter filter = new KeyFilter(10);
    for (long n = 0; n < 100_000; n++) {
      filter.add(key(n));
    }
    for (long n = 0; n < 100_000; n++) {
      assertThat(filter.mayContain(key(n))).isTrue();
    }
  }

  /**
   * Writers add keys and then publish how far they got through a volatile counter, as the engine
   * publishes sequence numbers; readers that read the counter first must find every key below it.
   */
  @Test
  void aKeyPublishedAfterItsAddIsNeverMissedByConcurrentReaders() throws Exception {
    int rounds = Integer.getInteger("shaledb.race.rounds", 20);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < rounds; round++) {
        KeyFilter filter = new KeyFilter(20_000);
        AtomicLong[] published = {new AtomicLong(-1), new AtomicLong(-1)};
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Long>> tasks = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
          int writer = w;
          tasks.add(
              pool.submit(
                  () -> {
                    start.await();
                    for (long n = 0; n < 10_000; n++) {
                      filter.add(key(n * 2 + writer));
                      published[writer].set(n);
                    }
                    return 0L;
                  }));
        }
        for (int r = 0; r < 2; r++) {
          tasks.add(
              pool.submit(
                  () -> {
                    start.await();
                    long misses = 0;
                    for (int i = 0; i < 20_000; i++) {
                      int writer = i & 1;
                      long upTo = published[writer].get();
                      if (upTo >= 0 && !filter.mayContain(key((i % (upTo + 1)) * 2 + writer))) {
                        misses++;
                      }
                    }
                    return misses;
                  }));
        }
        start.countDown();
        long misses = 0;
        for (Future<Long> t : tasks) {
          misses += t.get(60, TimeUnit.SECONDS);
        }
        assertThat(misses).as("round %d: published keys the filter missed", round).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
