package dev.shaledb.bench;

import dev.shaledb.bench.db.BenchData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The writers of the {@code ingest} command, the same for every engine: {@link LoadRunner}'s closed
 * loop of puts of random keys ({@link IngestKeys}) and pooled values for a fixed time, each put
 * timed on its own (the longest, and the time in puts held back), and a sampling thread that hands
 * the caller each interval's figures while the writers run.
 */
final class IngestLoad {
  /**
   * A put that takes this long was held back (a write that is only appended to a memtable and a WAL
   * buffer takes microseconds). The engine's L0 slowdown delays a put by at most this much.
   */
  static final long BLOCKED_NANOS = 1_000_000;

  /** Stores one entry without waiting for durability. */
  interface Put {
    void put(byte[] key, byte[] value) throws Exception;
  }

  /** Called on the sampling thread at the end of each interval. */
  interface Sampler {
    void sample(Interval interval);
  }

  /**
   * One sampling interval.
   *
   * @param endSeconds when it ended, in seconds since the writers started
   * @param seconds its length
   * @param userBytes key and value bytes of the puts that returned during it
   * @param blockedNanos writer time in puts held back that returned during it
   */
  record Interval(double endSeconds, double seconds, long userBytes, long blockedNanos) {
    Interval {
      if (!(seconds > 0) || userBytes < 0 || blockedNanos < 0) {
        throw new IllegalArgumentException("need a positive length and counts >= 0");
      }
    }

    double mbPerSecond() {
      return userBytes / 1e6 / seconds;
    }

    /** The share of {@code threads} writers' time in the interval spent in puts held back. */
    double blockedPercent(int threads) {
      return 100 * blockedNanos / (threads * seconds * 1e9);
    }
  }

  private final LongAdder userBytes = new LongAdder();
  private final LongAdder blockedNanos = new LongAdder();
  private final AtomicLong longest = new AtomicLong();

  private IngestLoad() {}

  /** Runs {@code o.threads()} writers for {@code o.seconds()} through {@code put}. */
  static WriteLoad run(
      String engine, IngestOptions o, IngestKeys keys, byte[][] values, Put put, Sampler sampler) {
    IngestLoad load = new IngestLoad();
    List<Double> intervals = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread ticker =
        new Thread(
            () -> {
              try {
                load.tick(
                    o,
                    stop,
                    i -> {
                      sampler.sample(i);
                      intervals.add(i.mbPerSecond());
                    });
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "ingest-sampler");
    ticker.setDaemon(true);
    ticker.start();
    long entry = o.entryBytes();
    LoadRunner.Outcome outcome;
    try {
      outcome =
          LoadRunner.run(
              "ingest " + engine,
              o.threads(),
              Long.MAX_VALUE,
              o.seconds(),
              (t, n) -> {
                byte[] key = keys.next(t);
                long start = System.nanoTime();
                put.put(key, BenchData.value(values, n));
                load.count(entry, System.nanoTime() - start);
              });
    } finally {
      stop.set(true);
      LockSupport.unpark(ticker);
      join(ticker);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("sampling failed: " + failure.get(), failure.get());
    }
    return new WriteLoad(
        engine,
        o.threads(),
        outcome.ops(),
        load.userBytes.sum(),
        outcome.nanos(),
        outcome.latency().quantileNanos(0.5),
        outcome.latency().quantileNanos(0.99),
        load.longest.get(),
        load.blockedNanos.sum(),
        intervals);
  }

  private void count(long bytes, long nanos) {
    userBytes.add(bytes);
    if (nanos >= BLOCKED_NANOS) {
      blockedNanos.add(nanos);
    }
    if (nanos > longest.get()) {
      longest.accumulateAndGet(nanos, Math::max);
    }
  }

  /**
   * Samples every interval until {@code stop}. An interval that would end more than half an
   * interval after the writers' deadline is not sampled: the writers stopped during it. A put's
   * time counts in the interval in which it returned, so the interval after a long block can show
   * more than 100 % of the writers' time held.
   */
  private void tick(IngestOptions o, AtomicBoolean stop, Sampler sampler) {
    long period = (long) (o.intervalSeconds() * 1e9);
    long start = System.nanoTime();
    long last = start;
    long lastBytes = 0;
    long lastBlocked = 0;
    long next = start + period;
    while (!stop.get()) {
      long now = System.nanoTime();
      if (now < next) {
        LockSupport.parkNanos(next - now);
        continue;
      }
      if (now - start > (o.seconds() + o.intervalSeconds() / 2) * 1e9) {
        return;
      }
      long bytes = userBytes.sum();
      long blocked = blockedNanos.sum();
      sampler.sample(
          new Interval(
              (now - start) / 1e9, (now - last) / 1e9, bytes - lastBytes, blocked - lastBlocked));
      last = now;
      lastBytes = bytes;
      lastBlocked = blocked;
      // a starved sampler skips the ticks it missed rather than taking slivers of intervals
      next = Math.max(next + period, now + period / 2);
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
