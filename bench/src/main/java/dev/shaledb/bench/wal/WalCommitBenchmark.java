package dev.shaledb.bench.wal;

import dev.shaledb.objectstore.DelayedObjectStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.wal.WalBatch;
import dev.shaledb.wal.WalEntry;
import dev.shaledb.wal.WalFence;
import dev.shaledb.wal.WalReader;
import dev.shaledb.wal.WalReplay;
import dev.shaledb.wal.WalWriter;
import dev.shaledb.wal.WalWriterOptions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable-commit latency and throughput of the WAL writer against an in-memory store whose PUTs
 * take {@code putMillis} (20 ms, an S3 Standard round trip): 16-byte keys, 100-byte values, one
 * entry per batch.
 *
 * <ul>
 *   <li>{@code singleWriter}: one thread, one durable write at a time; sample mode gives p50/p99.
 *       Target: p50 at most 1.3 x the PUT latency.
 *   <li>{@code writers64}: 64 threads, each waiting for its write (closed loop). Little's law caps
 *       this at 64 writes per round trip, about 3,200/s at 20 ms, whatever the WAL does.
 *   <li>{@code writers64Window16}: 64 threads, each keeping up to 16 durable writes outstanding (an
 *       engine with asynchronous callers). Target: at least 20,000 durable writes/s while issuing
 *       at most one WAL PUT per in-flight slot per round trip.
 * </ul>
 *
 * At the end of each trial the PUT count per write is printed.
 */
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class WalCommitBenchmark {

  /** One WAL writer shared by all benchmark threads. */
  @State(Scope.Benchmark)
  public static class Wal {
    @Param({"20"})
    public int putMillis;

    @Param({"1", "4"})
    public int maxInFlight;

    ScheduledExecutorService scheduler;
    DelayedObjectStore store;
    WalWriter writer;
    long seq;
    long writes;
    long putsAtStart;
    long startNanos;
    final byte[] value = new byte[100];
    final SplittableRandom random = new SplittableRandom(42);

    @Setup(Level.Trial)
    public void open() {
      scheduler = Executors.newScheduledThreadPool(4);
      store =
          new DelayedObjectStore(
              new InMemoryObjectStore(), scheduler, Duration.ofMillis(putMillis), Duration.ZERO);
      WalFence fence = WalFence.place(store, "bench", 1, 1);
      WalReplay replay = new WalReader(store, "bench").replay(0, b -> {});
      writer =
          WalWriter.open(
              store,
              "bench",
              WalWriterOptions.defaults().withMaxInFlight(maxInFlight).withScheduler(scheduler),
              fence,
              replay);
      random.nextBytes(value);
      putsAtStart = store.putCount();
      startNanos = System.nanoTime();
    }

    /** Appends one durable 100-byte put; sequence numbers are handed out in append order. */
    CompletableFuture<Long> append() {
      byte[] key = new byte[16];
      synchronized (this) {
        random.nextBytes(key);
        writes++;
        return writer.append(WalBatch.of(++seq, WalEntry.put(key, value)), true);
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      writer.close();
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      long puts = store.putCount() - putsAtStart;
      System.out.printf(
          "%n[wal] maxInFlight=%d: %d durable writes, %d PUTs (%.1f writes/PUT, %.1f PUTs/s, "
              + "%.2f PUTs per slot per round trip)%n",
          maxInFlight,
          writes,
          puts,
          writes / (double) Math.max(1, puts),
          puts / seconds,
          puts / seconds * putMillis / 1000.0 / maxInFlight);
      scheduler.shutdownNow();
    }
  }

  /** A thread's window of outstanding writes. */
  @State(Scope.Thread)
  public static class Window {
    final ArrayDeque<CompletableFuture<Long>> outstanding = new ArrayDeque<>();

    @TearDown(Level.Iteration)
    public void drain() {
      while (!outstanding.isEmpty()) {
        Futures.join(outstanding.poll());
      }
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Threads(1)
  public Long singleWriter(Wal wal) {
    return Futures.join(wal.append());
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(64)
  public Long writers64(Wal wal) {
    return Futures.join(wal.append());
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(64)
  public void writers64Window16(Wal wal, Window window) {
    window.outstanding.add(wal.append());
    if (window.outstanding.size() >= 16) {
      Futures.join(window.outstanding.poll());
    }
  }
}
