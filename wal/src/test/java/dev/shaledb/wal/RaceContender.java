package dev.shaledb.wal;

import static dev.shaledb.objectstore.Futures.join;

import dev.shaledb.error.FencedException;
import dev.shaledb.objectstore.ObjectStore;
import java.util.function.Consumer;

/**
 * One contender of a fencing race round, shared by the in-JVM and the cross-process races. It opens
 * the database as the writer, writes a few durable batches, waits until every contender got this
 * far, then tries one more WAL write and one manifest update. It reports, one line each: {@code
 * OPEN epoch} or {@code OPEN_FENCED}, {@code ACK key} for every acknowledged batch, and {@code
 * FINAL epoch walOk manifestOk}.
 */
final class RaceContender {
  static final int WRITES = 3;

  /** Waits until every contender of the round reached it. */
  interface Barrier {
    void await() throws Exception;
  }

  private RaceContender() {}

  static void run(
      ObjectStore store,
      String path,
      String name,
      WalWriterOptions options,
      Barrier barrier,
      Consumer<String> report)
      throws Exception {
    TestWal.Opened opened;
    try {
      opened = TestWal.open(store, path, options);
    } catch (FencedException lostDuringOpen) {
      report.accept("OPEN_FENCED");
      barrier.await();
      return;
    }
    try (WalWriter writer = opened.writer()) {
      report.accept("OPEN " + opened.manifest().epoch());
      long seq = opened.replay().lastSeq() + 1;
      for (int i = 0; i < WRITES; i++) {
        String key = name + "-" + i;
        try {
          join(writer.append(TestWal.batch(seq++, key), true));
          report.accept("ACK " + key);
        } catch (FencedException fenced) {
          break;
        }
      }
      barrier.await();
      boolean walOk =
          attempt(() -> join(writer.append(TestWal.batch(1L << 40, name + "-final"), true)));
      if (walOk) {
        report.accept("ACK " + name + "-final");
      }
      boolean manifestOk = attempt(() -> opened.manifest().update(s -> s));
      report.accept("FINAL " + opened.manifest().epoch() + " " + walOk + " " + manifestOk);
    }
  }

  private static boolean attempt(Runnable write) {
    try {
      write.run();
      return true;
    } catch (FencedException fenced) {
      return false;
    }
  }
}
