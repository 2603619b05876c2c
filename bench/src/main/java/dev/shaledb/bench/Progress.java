package dev.shaledb.bench;

import dev.shaledb.objectstore.LatencyHistogram;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress line on standard error while a phase runs: elapsed time, operations, current rate and
 * median latency, rewritten every half second. Only on a terminal: piped or in CI it prints
 * nothing, so logs hold results only.
 */
final class Progress implements AutoCloseable {
  private final String label;
  private final double seconds;
  private final long maxOps;
  private final LongSupplier ops;
  private final LatencyHistogram latency;
  private final boolean terminal = System.console() != null;
  private final PrintStream out = System.err;
  private final long start = System.nanoTime();
  private final Thread thread;
  private volatile boolean running = true;

  private Progress(
      String label, double seconds, long maxOps, LongSupplier ops, LatencyHistogram latency) {
    this.label = label;
    this.seconds = seconds;
    this.maxOps = maxOps;
    this.ops = ops;
    this.latency = latency;
    this.thread = new Thread(this::loop, "bench-progress");
    thread.setDaemon(true);
  }

  /**
   * Starts printing; {@code seconds} and {@code maxOps} are the run's limits, shown when they are
   * finite (below 10^9 seconds, below {@code Long.MAX_VALUE} operations).
   */
  static Progress start(
      String label, double seconds, long maxOps, LongSupplier ops, LatencyHistogram latency) {
    Progress progress = new Progress(label, seconds, maxOps, ops, latency);
    if (progress.terminal) {
      // Piped or in CI, progress lines would only bury the results.
      progress.thread.start();
    }
    return progress;
  }

  private void loop() {
    long period = 500;
    long lastOps = 0;
    long lastNanos = start;
    while (running) {
      try {
        Thread.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      long count = ops.getAsLong();
      double rate = (count - lastOps) * 1e9 / Math.max(1, now - lastNanos);
      lastOps = count;
      lastNanos = now;
      String line =
          String.format(
              Locale.ROOT,
              "  %-22s %10s %16s ops %,9.0f ops/s  p50 %s",
              label,
              seconds < 1e9
                  ? String.format(Locale.ROOT, "%.1f/%.0f s", (now - start) / 1e9, seconds)
                  : String.format(Locale.ROOT, "%.1f s", (now - start) / 1e9),
              maxOps < Long.MAX_VALUE
                  ? String.format(Locale.ROOT, "%,d/%,d", count, maxOps)
                  : String.format(Locale.ROOT, "%,d", count),
              rate,
              Report.millis(latency.quantileNanos(0.5)));
      if (running) {
        out.print("\r" + line);
        out.flush();
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (terminal) {
      out.print("\r" + " ".repeat(100) + "\r");
      out.flush();
    }
  }
}
