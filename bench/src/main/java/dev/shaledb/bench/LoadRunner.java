package dev.shaledb.bench;

import dev.shaledb.objectstore.LatencyHistogram;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one operation from a fixed number of threads until an operation count or a deadline is
 * reached, timing every call into a histogram, and shows a progress line while it runs. Closed
 * loop: each thread starts its next operation when the previous one returns, as db_bench does.
 */
final class LoadRunner {
  /** One call of the workload; {@code n} numbers the calls of a run from 0. */
  interface Op {
    void run(int thread, long n) throws Exception;
  }

  /** What a run did; latencies in nanoseconds. */
  record Outcome(long ops, long nanos, LatencyHistogram latency) {
    double opsPerSecond() {
      return nanos == 0 ? 0 : ops * 1e9 / nanos;
    }
  }

  private LoadRunner() {}

  /**
   * Runs {@code op} on {@code threads} threads until {@code maxOps} calls started or {@code
   * seconds} passed, whichever is first. The first failure stops every thread and is rethrown.
   */
  static Outcome run(String label, int threads, long maxOps, double seconds, Op op) {
    LatencyHistogram latency = new LatencyHistogram();
    AtomicLong next = new AtomicLong();
    AtomicLong done = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long start = System.nanoTime();
    long limit = seconds >= 1e9 ? Long.MAX_VALUE : (long) (seconds * 1e9);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread worker =
          new Thread(
              () -> {
                long n;
                while (failure.get() == null
                    && System.nanoTime() - start < limit
                    && (n = next.getAndIncrement()) < maxOps) {
                  long began = System.nanoTime();
                  try {
                    op.run(thread, n);
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    return;
                  }
                  latency.record(System.nanoTime() - began);
                  done.incrementAndGet();
                }
              },
              "bench-" + label + "-" + t);
      workers.add(worker);
      worker.start();
    }
    Progress progress = Progress.start(label, seconds, maxOps, done::get, latency);
    try {
      for (Thread worker : workers) {
        worker.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      progress.close();
    }
    long nanos = System.nanoTime() - start;
    Throwable error = failure.get();
    if (error != null) {
      throw new IllegalStateException(label + " failed: " + error, error);
    }
    return new Outcome(done.get(), nanos, latency);
  }
}
