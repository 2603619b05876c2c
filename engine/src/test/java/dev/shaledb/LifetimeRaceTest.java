package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Issue 23's races: durable-only reads around a flush, and what close() does to waiters. */
class LifetimeRaceTest {
  /** Delays WAL puts while armed, so a noWait write's upload is slow. */
  private static final class SlowWal extends ForwardingObjectStore {
    volatile boolean slow;
    volatile boolean failTables;

    SlowWal(InMemoryObjectStore store) {
      super(store);
    }

    @Override
    public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
      if (failTables && key.startsWith("db/sst/")) {
        return CompletableFuture.failedFuture(new ObjectStoreException("injected", false));
      }
      CompletableFuture<ObjectMeta> put = super.put(key, data, condition);
      if (slow && key.startsWith("db/wal/")) {
        return put.thenApplyAsync(
            m -> m, CompletableFuture.delayedExecutor(30, TimeUnit.MILLISECONDS));
      }
      return put;
    }
  }

  // Before: about one round in 200 read null (the view dropped the memtable before the durable
  // sequence number covered the flushed table).
  @Test
  void aDurableOnlyReadNeverGoesBackWhileAFlushPublishes() throws Exception {
    int rounds = Integer.getInteger("shaledb.race.rounds", 200);
    AtomicInteger readsDuringFlush = new AtomicInteger();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      for (int round = 0; round < rounds; round++) {
        SlowWal store = new SlowWal(new InMemoryObjectStore());
        try (Db db =
            Db.open(
                store,
                "db",
                DbOptions.builder()
                    .compaction(CompactionOptions.builder().enabled(false).build())
                    .build())) {
          db.put(b("k"), b("v1")); // durable
          store.slow = true;
          db.put(b("k"), b("v2"), WriteOptions.noWait()); // its WAL upload is slow
          AtomicBoolean flushing = new AtomicBoolean(true);
          Future<Integer> nulls =
              reader.submit(
                  () -> {
                    int seen = 0;
                    while (flushing.get()) {
                      if (db.get(b("k"), ReadOptions.defaults().withDurableOnly(true)) == null) {
                        seen++;
                      }
                      readsDuringFlush.incrementAndGet();
                    }
                    return seen;
                  });
          db.engine().flushMemtables(); // drops v1 (no snapshot needs it), publishes v2's table
          flushing.set(false);
          assertThat(nulls.get()).as("durable-only reads that went back, round %d", round).isZero();
        }
      }
    } finally {
      reader.shutdownNow();
    }
    assertThat(readsDuringFlush.get()).as("the race happened").isGreaterThan(rounds);
  }

  // Before: the waiting writer failed only after writeStallTimeout, with WriteStallException.
  @Test
  void aWriterWaitingForMemtableSpaceIsWokenByClose() throws Exception {
    SlowWal store = new SlowWal(new InMemoryObjectStore());
    store.failTables = true; // flushes cannot free anything
    Db db =
        Db.open(
            store,
            "db",
            DbOptions.builder()
                .memtableBytes(16 << 10)
                .maxUnflushedBytes(64 << 10)
                .writeStallTimeout(Duration.ofSeconds(60))
                .flushOnClose(false)
                .build());
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      Future<?> writes =
          writer.submit(
              () -> {
                for (int i = 0; ; i++) {
                  db.put(b("k" + i), new byte[1024], WriteOptions.noWait());
                }
              });
      Thread.sleep(500); // the budget is full by now and the writer waits
      assertThat(db.stats().unflushedBytes()).isGreaterThanOrEqualTo(64 << 10);
      long start = System.nanoTime();
      db.close();
      assertThatThrownBy(() -> writes.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(DbClosedException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    } finally {
      writer.shutdownNow();
      db.close();
    }
  }

  // Before: an iterator went on reading after Db.close().
  @Test
  void anIteratorFailsAfterItsDatabaseIsClosed() {
    Db db = Db.open(new InMemoryObjectStore(), "db");
    db.put(b("a"), b("1"));
    db.put(b("b"), b("2"));
    DbIterator it = db.scan(null, null);
    assertThat(it.next().key()).isEqualTo(b("a"));
    db.close();
    assertThatThrownBy(it::hasNext).isInstanceOf(DbClosedException.class);
    it.close();
  }
}
