package dev.shaledb.wal;

import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.LocalFileObjectStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.s3.S3TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contenders (threads of one JVM) open the same database concurrently, round after round, on the
 * in-memory store, a local directory and an S3 server (S3Proxy over loopback): exactly one ends up
 * holding the writer epoch, every other one is fenced on its next WAL write and manifest update,
 * and no acknowledged write is lost or duplicated.
 */
class FencingRaceTest {
  static final int CONTENDERS = 4;

  /** Rounds per store; {@code -Dshaledb.race.rounds=N} changes it. */
  static final int ROUNDS = Integer.getInteger("shaledb.race.rounds", 200);

  private final ExecutorService pool = Executors.newFixedThreadPool(CONTENDERS);
  private final ScheduledExecutorService walThreads = Executors.newScheduledThreadPool(2);

  @AfterEach
  void shutdown() {
    pool.shutdownNow();
    walThreads.shutdownNow();
  }

  @Test
  void inMemory() throws Exception {
    race(new InMemoryObjectStore(), ROUNDS);
  }

  @Test
  void localFiles(@TempDir Path dir) throws Exception {
    try (LocalFileObjectStore store = new LocalFileObjectStore(dir)) {
      race(store, ROUNDS);
    }
  }

  @Test
  void s3() throws Exception {
    try (S3TestServer server = S3TestServer.start();
        ObjectStore store = server.newStore()) {
      race(store, ROUNDS);
    }
  }

  private void race(ObjectStore store, int rounds) throws Exception {
    WalWriterOptions options = TestWal.options().withScheduler(walThreads);
    for (int round = 0; round < rounds; round++) {
      String path = "race/r" + round;
      CyclicBarrier barrier = new CyclicBarrier(CONTENDERS);
      Map<String, List<String>> reports = new LinkedHashMap<>();
      List<Future<?>> contenders = new ArrayList<>();
      for (int c = 0; c < CONTENDERS; c++) {
        String name = "c" + c;
        List<String> report = Collections.synchronizedList(new ArrayList<>());
        reports.put(name, report);
        contenders.add(
            pool.submit(
                () -> {
                  RaceContender.run(store, path, name, options, barrier::await, report::add);
                  return null;
                }));
      }
      for (Future<?> f : contenders) {
        f.get();
      }
      RaceVerifier.verify(store, path, reports);
    }
  }
}
