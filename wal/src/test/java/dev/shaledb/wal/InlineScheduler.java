package dev.shaledb.wal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs every task at once on the calling thread, so that a single-threaded test drives the writer
 * deterministically. Delayed tasks run on a virtual clock ({@link #nanoTime()}) that only {@link
 * #advance} moves; periodic scheduling is not supported (use no flush interval).
 */
final class InlineScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final List<Delayed> delayed = new ArrayList<>();
  private long now;

  /** The virtual clock, for the writer to time its puts by. */
  long nanoTime() {
    return now;
  }

  /** Moves the clock on by {@code nanos} and runs every delayed task now due, in due order. */
  void advance(long nanos) {
    now += nanos;
    while (true) {
      Delayed next = null;
      for (Delayed d : delayed) {
        if (d.dueAt <= now && (next == null || d.dueAt < next.dueAt)) {
          next = d;
        }
      }
      if (next == null) {
        return;
      }
      delayed.remove(next);
      if (!next.cancelled) {
        next.task.run();
      }
    }
  }

  /** A delayed task; cancelling it keeps it from running. */
  private static final class Delayed implements ScheduledFuture<Object> {
    final long dueAt;
    final Runnable task;
    boolean cancelled;

    Delayed(long dueAt, Runnable task) {
      this.dueAt = dueAt;
      this.task = task;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueAt, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(java.util.concurrent.Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return cancelled;
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException("virtual timers are not awaited");
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException("virtual timers are not awaited");
    }
  }

  @Override
  public void execute(Runnable command) {
    command.run();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Delayed d = new Delayed(now + unit.toNanos(delay), command);
    delayed.add(d);
    return d;
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("no timers in deterministic tests");
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException("no timers in deterministic tests");
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("no timers in deterministic tests");
  }

  @Override
  public void shutdown() {}

  @Override
  public List<Runnable> shutdownNow() {
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }
}
