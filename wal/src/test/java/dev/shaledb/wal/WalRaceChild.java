package dev.shaledb.wal;

import dev.shaledb.objectstore.LocalFileObjectStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;

/**
 * A JVM of {@link CrossProcessFencingRaceTest}: runs {@code threads} contenders through every round
 * on the shared directory and prints {@code <round> <contender> <report line>} lines. Rounds are
 * kept in step by a file barrier: a contender creates its marker file in the round's barrier folder
 * and waits until all {@code total} markers exist.
 *
 * <p>Arguments: store root, barrier root, process name, threads, rounds, total contenders.
 */
public final class WalRaceChild {
  private WalRaceChild() {}

  public static void main(String[] args) throws Exception {
    Path storeRoot = Path.of(args[0]);
    Path barriers = Path.of(args[1]);
    String process = args[2];
    int threads = Integer.parseInt(args[3]);
    int rounds = Integer.parseInt(args[4]);
    int total = Integer.parseInt(args[5]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    ScheduledExecutorService walThreads = Executors.newScheduledThreadPool(2);
    try (LocalFileObjectStore store = new LocalFileObjectStore(storeRoot)) {
      WalWriterOptions options = TestWal.options().withScheduler(walThreads);
      List<Thread> workers = new ArrayList<>();
      List<Throwable> errors = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String name = process + "t" + t;
        Thread worker =
            new Thread(
                () -> {
                  try {
                    for (int r = 0; r < rounds; r++) {
                      int round = r;
                      RaceContender.run(
                          store,
                          "race/r" + round,
                          name,
                          options,
                          () -> fileBarrier(barriers.resolve("r" + round), name, total),
                          line -> report(out, round, name, line));
                    }
                  } catch (Throwable e) {
                    synchronized (errors) {
                      errors.add(e);
                    }
                  }
                });
        workers.add(worker);
        worker.start();
      }
      for (Thread worker : workers) {
        worker.join();
      }
      if (!errors.isEmpty()) {
        errors.get(0).printStackTrace();
        System.exit(1);
      }
    } finally {
      walThreads.shutdownNow();
    }
  }

  private static void report(PrintStream out, int round, String name, String line) {
    synchronized (out) {
      out.println(round + " " + name + " " + line);
    }
  }

  private static void fileBarrier(Path folder, String name, int total) throws Exception {
    Files.createDirectories(folder);
    Files.createFile(folder.resolve(name));
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (count(folder) < total) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("barrier " + folder + " timed out");
      }
      Thread.sleep(1);
    }
  }

  private static long count(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.count();
    }
  }
}
