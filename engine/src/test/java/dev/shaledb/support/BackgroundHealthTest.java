package dev.shaledb.support;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.Db;
import dev.shaledb.DbListener;
import dev.shaledb.DbOptions;
import dev.shaledb.DbStats;
import dev.shaledb.WriteOptions;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Background failures are visible through the API, not only in the log (issue 15 item 5). */
class BackgroundHealthTest {
  @Test
  void aFlushWhoseUploadsFailIsReportedToTheListenerAndInStats() throws Exception {
    ForwardingObjectStore noTables =
        new ForwardingObjectStore(new InMemoryObjectStore()) {
          @Override
          public CompletableFuture<ObjectMeta> put(
              String key, ByteBuffer data, PutCondition condition) {
            if (key.startsWith("db/sst/")) {
              return CompletableFuture.failedFuture(
                  new ObjectStoreException("access denied", false));
            }
            return super.put(key, data, condition);
          }
        };
    List<DbListener.BackgroundTask> told = new CopyOnWriteArrayList<>();
    DbListener listener =
        new DbListener() {
          @Override
          public void onBackgroundError(BackgroundTask task, Throwable error) {
            told.add(task);
          }
        };
    try (Db db =
        Db.open(
            noTables,
            "db",
            DbOptions.builder()
                .memtableBytes(4 << 10)
                .flushOnClose(false)
                .listener(listener)
                .build())) {
      assertThat(db.stats().backgroundFailures()).isZero();
      assertThat(db.stats().lastBackgroundError()).isNull();
      for (int i = 0; i < 100; i++) {
        db.put(b("k" + i), new byte[100], WriteOptions.noWait());
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (db.stats().backgroundFailures() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      DbStats stats = db.stats();
      assertThat(stats.backgroundFailures()).as("retried and failed again").isGreaterThan(1);
      assertThat(stats.lastBackgroundError())
          .startsWith("flush: memtable flush failed")
          .contains("access denied");
      assertThat(told).contains(DbListener.BackgroundTask.FLUSH);
    }
  }
}
