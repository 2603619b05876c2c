package dev.shaledb.objectstore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on virtual time for tests: tasks wait in a queue until the test runs them, every
 * requested delay is recorded, and nothing ever sleeps. Tasks run on the thread that calls {@link
 * #runAll()} or {@link #advance(Duration)}, in due order (ties in scheduling order). Periodic
 * scheduling is not supported.
 */
public final class ManualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {
  // A runaway retry loop must fail the test, not hang it.
  private static final int MAX_RUNS = 1_000_000;

  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
  private final List<Long> delays = new ArrayList<>();
  private long now;
  private long sequence;
  private boolean shutdown;

  private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
    private final long due;
    private final long order;

    Task(Callable<V> callable, long due, long order) {
      super(callable);
      this.due = due;
      this.order = order;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      synchronized (ManualScheduler.this) {
        return unit.convert(due - now, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public int compareTo(Delayed other) {
      Task<?> that = (Task<?>) other;
      int byDue = Long.compare(due, that.due);
      return byDue != 0 ? byDue : Long.compare(order, that.order);
    }
  }

  /** Every delay requested so far, in nanoseconds, in scheduling order. */
  public synchronized List<Long> delaysNanos() {
    return List.copyOf(delays);
  }

  /** Tasks waiting to run, not counting cancelled ones. */
  public synchronized int queued() {
    return (int) queue.stream().filter(t -> !t.isCancelled()).count();
  }

  /** Virtual nanoseconds since creation. */
  public synchronized long nowNanos() {
    return now;
  }

  /**
   * Runs queued tasks, and those they schedule, until none is left, moving virtual time to each
   * task's due time. Returns how many ran.
   */
  public int runAll() {
    return runUntil(Long.MAX_VALUE);
  }

  /** Moves virtual time forward by {@code duration}, running the tasks that fall due. */
  public int advance(Duration duration) {
    long target;
    synchronized (this) {
      target = now + duration.toNanos();
    }
    int ran = runUntil(target);
    synchronized (this) {
      now = Math.max(now, target);
    }
    return ran;
  }

  private int runUntil(long target) {
    int ran = 0;
    while (true) {
      Task<?> next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due > target) {
          return ran;
        }
        queue.poll();
        now = Math.max(now, next.due);
      }
      if (!next.isCancelled()) {
        next.run();
        if (++ran > MAX_RUNS) {
          throw new IllegalStateException("more than " + MAX_RUNS + " tasks: a runaway loop?");
        }
      }
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return schedule(
        () -> {
          command.run();
          return null;
        },
        delay,
        unit);
  }

  @Override
  public synchronized <V> ScheduledFuture<V> schedule(
      Callable<V> callable, long delay, TimeUnit unit) {
    if (shutdown) {
      throw new RejectedExecutionException("scheduler is shut down");
    }
    long nanos = Math.max(0, unit.toNanos(delay));
    delays.add(nanos);
    Task<V> task = new Task<>(callable, now + nanos, sequence++);
    queue.add(task);
    return task;
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException("periodic tasks");
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("periodic tasks");
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = new ArrayList<>(queue);
    queue.clear();
    return left;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown && queue.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }
}
