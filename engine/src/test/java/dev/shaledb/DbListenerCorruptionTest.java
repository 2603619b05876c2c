package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.sst.SstOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * {@link DbListener#onCorruptionDetected}: a damaged read is told exactly once, with the damaged
 * object's key, whether a caller's get, a background compaction or a {@link DbReader} poll read it,
 * and a listener that throws does not hide the corruption.
 */
class DbListenerCorruptionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final InMemoryObjectStore base = new InMemoryObjectStore();
  private final Detections detections = new Detections();

  /** Records every detection; the same exception told twice would show as a duplicate. */
  static final class Detections implements DbListener {
    final List<CorruptObjectException> seen = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onCorruptionDetected(CorruptObjectException e) {
      seen.add(e);
    }

    List<CorruptObjectException> snapshot() {
      synchronized (seen) {
        return List.copyOf(seen);
      }
    }
  }

  /**
   * Damages the first byte of the next {@code times} reads that {@code matches} accepts (the first
   * byte of a block or object is always checked), remembering the keys it damaged.
   */
  static final class DamagingStore extends ForwardingObjectStore {
    private final AtomicInteger left = new AtomicInteger();
    private volatile Predicate<Request> matches = r -> false;
    final List<String> damaged = Collections.synchronizedList(new ArrayList<>());

    record Request(String key, ByteRange range) {}

    DamagingStore(ObjectStore delegate) {
      super(delegate);
    }

    /** Damages the next {@code times} reads {@code which} accepts. */
    void damage(int times, Predicate<Request> which) {
      matches = which;
      left.set(times);
    }

    @Override
    public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
      return delegate
          .get(key, range)
          .thenApply(
              content -> {
                if (content.data().length == 0
                    || !matches.test(new Request(key, range))
                    || left.getAndDecrement() <= 0) {
                  return content;
                }
                byte[] data = content.data().clone();
                data[0] ^= 0x40;
                damaged.add(key);
                return new ObjectContent(content.meta(), content.offset(), data);
              });
    }

    @Override
    public void close() {
      // The base store outlives the processes over it.
    }
  }

  private static boolean tableBlock(DamagingStore.Request r) {
    return r.key().contains("/sst/") && r.range() instanceof ByteRange.Bounded;
  }

  private DbOptions options(DbListener listener, CompactionOptions compaction) {
    return DbOptions.builder()
        .tableOptions(SstOptions.defaults().withBlockSize(1024))
        .compaction(compaction)
        .gc(GcOptions.builder().minAge(Duration.ofMinutes(10)).interval(Duration.ZERO).build())
        .listener(listener)
        .build();
  }

  /** One flushed table of 500 keys, written by a process that is gone. */
  private void writeOneTable() {
    try (Db db = Db.open(base, "db", options(DbListener.NONE, CompactionOptions.disabled()))) {
      for (int k = 0; k < 500; k++) {
        db.put(CompactionTest.key(k), CompactionTest.value(1, k), WriteOptions.noWait());
      }
    }
  }

  @Test
  void aDamagedBlockReadByAGetIsToldOnceWithItsKey() {
    writeOneTable();
    DamagingStore store = new DamagingStore(base);
    try (Db db = Db.open(store, "db", options(detections, CompactionOptions.disabled()))) {
      store.damage(1, DbListenerCorruptionTest::tableBlock);
      CorruptObjectException thrown = corruption(() -> db.get(CompactionTest.key(7)));
      assertThat(store.damaged).hasSize(1);
      assertThat(detections.snapshot()).containsExactly(thrown);
      assertThat(thrown.key()).isEqualTo(store.damaged.get(0));
      // The damage was in that one reply: the next read fetches the block again, intact.
      assertThat(db.get(CompactionTest.key(7))).isEqualTo(CompactionTest.value(1, 7));
      assertThat(detections.snapshot()).hasSize(1);
    }
  }

  @Test
  void aDamagedBlockReadByAMultiGetIsToldOnceWithItsKeyAndOffset() {
    writeOneTable();
    DamagingStore store = new DamagingStore(base);
    try (Db db = Db.open(store, "db", options(detections, CompactionOptions.disabled()))) {
      List<byte[]> keys =
          List.of(CompactionTest.key(7), CompactionTest.key(250), CompactionTest.key(490));
      store.damage(1, DbListenerCorruptionTest::tableBlock);
      CorruptObjectException thrown = corruption(() -> db.multiGet(keys));
      assertThat(store.damaged).hasSize(1);
      assertThat(detections.snapshot()).containsExactly(thrown);
      assertThat(thrown.key()).isEqualTo(store.damaged.get(0));
      assertThat(thrown.offset()).as("the damaged block's offset").isNotNegative();
      assertThat(thrown.getMessage()).contains("data block");
      // The damage was in that one reply: the next multiGet fetches the block again, intact.
      assertThat(db.multiGet(keys))
          .containsExactly(
              CompactionTest.value(1, 7),
              CompactionTest.value(1, 250),
              CompactionTest.value(1, 490));
      assertThat(detections.snapshot()).hasSize(1);
    }
  }

  @Test
  void aListenerThatThrowsDoesNotHideTheCorruption() {
    writeOneTable();
    DamagingStore store = new DamagingStore(base);
    IllegalStateException listenerFailure = new IllegalStateException("listener broke");
    DbListener throwing =
        new DbListener() {
          @Override
          public void onCorruptionDetected(CorruptObjectException e) {
            throw listenerFailure;
          }
        };
    try (Db db = Db.open(store, "db", options(throwing, CompactionOptions.disabled()))) {
      store.damage(1, DbListenerCorruptionTest::tableBlock);
      assertThatThrownBy(() -> db.get(CompactionTest.key(7)))
          .isInstanceOf(CorruptObjectException.class)
          .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(listenerFailure));
    }
  }

  @Test
  void aDamagedBlockReadByABackgroundCompactionIsToldOnceAndTheRetrySucceeds() throws Exception {
    DamagingStore store = new DamagingStore(base);
    CompactionOptions compaction = CompactionOptions.builder().l0Trigger(2).build();
    try (Db db = Db.open(store, "db", options(detections, compaction))) {
      store.damage(1, DbListenerCorruptionTest::tableBlock);
      for (int round = 1; round <= 2; round++) {
        for (int k = 0; k < 500; k++) {
          db.put(CompactionTest.key(k), CompactionTest.value(round, k), WriteOptions.noWait());
        }
        db.engine().flushMemtables();
      }
      // The damaged job fails, is retried after a pause and publishes.
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      assertThat(db.stats().compactions()).isEqualTo(1);
      assertThat(store.damaged).hasSize(1);
      List<CorruptObjectException> seen = detections.snapshot();
      assertThat(seen).hasSize(1);
      assertThat(seen.get(0).key()).isEqualTo(store.damaged.get(0));
      for (int k = 0; k < 500; k += 11) {
        assertThat(db.get(CompactionTest.key(k))).isEqualTo(CompactionTest.value(2, k));
      }
    }
  }

  @Test
  void aStandaloneCompactorTellsItsListener() throws Exception {
    DbOptions writer = options(DbListener.NONE, CompactionOptions.disabled());
    try (Db db = Db.open(base, "db", writer)) {
      for (int round = 1; round <= 2; round++) {
        for (int k = 0; k < 500; k++) {
          db.put(CompactionTest.key(k), CompactionTest.value(round, k), WriteOptions.noWait());
        }
        db.engine().flushMemtables();
      }
    }
    DamagingStore store = new DamagingStore(base);
    store.damage(1, DbListenerCorruptionTest::tableBlock);
    CompactionOptions compaction = CompactionOptions.builder().l0Trigger(2).build();
    try (Compactor compactor =
        Compactor.open(store, "db", compaction, SstOptions.defaults(), detections)) {
      assertThat(compactor.compactNow(WAIT)).isTrue();
      assertThat(compactor.compactions()).isEqualTo(1);
    }
    assertThat(store.damaged).hasSize(1);
    assertThat(detections.snapshot())
        .singleElement()
        .satisfies(e -> assertThat(e.key()).isEqualTo(store.damaged.get(0)));
  }

  @Test
  void aDamagedWalObjectReadByADbReaderPollIsToldOnce() throws Exception {
    DamagingStore store = new DamagingStore(base);
    DbOptions writerOptions = options(DbListener.NONE, CompactionOptions.disabled());
    try (Db db = Db.open(base, "db", writerOptions)) {
      db.put(b("a"), b("1"));
      DbReaderOptions readerOptions =
          DbReaderOptions.builder()
              .pollInterval(Duration.ofMillis(20))
              .listener(detections)
              .build();
      try (DbReader reader = DbReader.open(store, "db", readerOptions)) {
        assertThat(reader.get(b("a"))).isEqualTo(b("1"));
        // A poll first reads the next WAL object's header, then the whole object: damage that.
        store.damage(1, r -> r.key().contains("/wal/") && r.range() instanceof ByteRange.All);
        db.put(b("b"), b("2"));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!java.util.Arrays.equals(reader.get(b("b")), b("2"))
            && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        // A failed poll keeps the old view; the next one reads the object intact.
        assertThat(reader.get(b("b"))).isEqualTo(b("2"));
        assertThat(reader.stats().refreshFailures()).isPositive();
      }
    }
    assertThat(store.damaged).hasSize(1);
    assertThat(detections.snapshot())
        .singleElement()
        .satisfies(e -> assertThat(e.key()).isEqualTo(store.damaged.get(0)));
  }

  private static CorruptObjectException corruption(Runnable read) {
    try {
      read.run();
    } catch (CorruptObjectException e) {
      return e;
    }
    throw new AssertionError("the read did not fail with a CorruptObjectException");
  }
}
