package dev.shaledb.support;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;

/** The engine's own threads: daemons (an unclosed database never keeps the JVM alive), named. */
public final class Threads {
  private Threads() {}

  public static ThreadFactory daemon(String name) {
    ThreadFactory defaults = Executors.defaultThreadFactory();
    return r -> {
      Thread t = defaults.newThread(r);
      t.setName("shaledb-" + name + "-" + t.getName());
      t.setDaemon(true);
      return t;
    };
  }

  /** A scheduler of {@code threads} daemon threads that drops cancelled and pending tasks. */
  public static ScheduledExecutorService scheduler(String name, int threads) {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(threads, daemon(name));
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return executor;
  }
}
