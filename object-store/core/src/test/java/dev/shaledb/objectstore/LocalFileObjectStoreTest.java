package dev.shaledb.objectstore;

import static dev.shaledb.objectstore.Futures.join;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.shaledb.error.DbClosedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of {@link LocalFileObjectStore} that the shared contract cannot express. */
class LocalFileObjectStoreTest {
  private static final int CLOSE_ROUNDS = 200;
  private static final int CLOSE_CALLERS = 4;

  /** Calls issued before close() in a round, so that callers are busy issuing when it comes. */
  private static final int CALLS_BEFORE_CLOSE = 20;

  /** A cap per caller and round, so a round never queues an unbounded amount of I/O. */
  private static final int MAX_CALLS_PER_CALLER = 100;

  private static final int LOCK_ROUNDS = 100;
  private static final int LOCK_THREADS = 8;

  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void listSomeShowsFilesAndEmptyDirectoriesThatAreNotObjects() throws Exception {
    Path root = dir.resolve("mixed");
    Files.createDirectories(root.resolve("photos/2024"));
    Files.writeString(root.resolve("notes.txt"), "mine");
    Files.writeString(root.resolve("photos/cat.jpg"), "meow");
    Files.createDirectories(root.resolve("empty"));
    try (LocalFileObjectStore store = new LocalFileObjectStore(root)) {
      join(store.put("db/manifest/1", bytes("m"), PutCondition.ifAbsent()));
      assertThat(join(store.list(""))).extracting(ObjectMeta::key).containsExactly("db/manifest/1");
      assertThat(join(store.listSome("", 10)))
          .containsExactly(
              "db/manifest/1", "empty/", "notes.txt", "photos/2024/", "photos/cat.jpg");
      assertThat(join(store.listSome("photos/", 10)))
          .containsExactly("photos/2024/", "photos/cat.jpg");
      assertThat(join(store.listSome("", 2))).hasSize(2);
      assertThat(join(store.listSome("db/", 10))).containsExactly("db/manifest/1");
    }
  }

  @Test
  void everyCallRacingCloseCompletesNormallyOrWithDbClosedException() throws Exception {
    int normal = 0;
    int closedFailures = 0;
    int racedRounds = 0;
    ExecutorService callers = Executors.newFixedThreadPool(CLOSE_CALLERS);
    try {
      for (int round = 0; round < CLOSE_ROUNDS; round++) {
        LocalFileObjectStore store = new LocalFileObjectStore(dir.resolve("close-" + round));
        join(store.put("k/shared", bytes("x"), PutCondition.none()));
        AtomicInteger issued = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Calls>> tasks = new ArrayList<>();
        for (int c = 0; c < CLOSE_CALLERS; c++) {
          int caller = c;
          tasks.add(
              callers.submit(
                  () -> {
                    start.await();
                    List<CompletableFuture<?>> calls = new ArrayList<>();
                    for (int i = 0; i < MAX_CALLS_PER_CALLER; i++) {
                      CompletableFuture<?> call =
                          switch (i % 4) {
                            case 0 -> store.put("k/" + caller, bytes("v" + i), PutCondition.none());
                            case 1 -> store.get("k/shared");
                            case 2 -> store.list("k/");
                            default -> store.delete("k/" + caller);
                          };
                      calls.add(call);
                      issued.incrementAndGet();
                      if (call.isCompletedExceptionally() && closedFailure(call)) {
                        // the store is closed: every later call fails at once
                        return new Calls(calls, true);
                      }
                    }
                    return new Calls(calls, false);
                  }));
        }
        start.countDown();
        while (issued.get() < CALLS_BEFORE_CLOSE) {
          Thread.onSpinWait();
        }
        store.close();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int normalBefore = normal;
        boolean closeCameMidStream = false;
        for (Future<Calls> task : tasks) {
          Calls calls = task.get(20, TimeUnit.SECONDS);
          closeCameMidStream |= calls.stoppedByClose();
          for (CompletableFuture<?> call : calls.calls()) {
            try {
              call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
              normal++;
            } catch (TimeoutException e) {
              fail("round %d: a call racing close() never completed", round);
            } catch (ExecutionException e) {
              if (!(e.getCause() instanceof DbClosedException)) {
                throw new AssertionError("round " + round + ": unexpected failure", e.getCause());
              }
              closedFailures++;
            }
          }
        }
        if (closeCameMidStream && normal > normalBefore) {
          racedRounds++;
        }
      }
    } finally {
      callers.shutdownNow();
    }
    // The race really happened: in some rounds close() came while callers were issuing calls,
    // some of which completed normally and some of which failed as closed.
    assertThat(racedRounds).as("rounds where close() cut into a stream of calls").isPositive();
    assertThat(normal).as("calls that completed normally").isPositive();
    assertThat(closedFailures).as("calls that failed as closed").isPositive();
  }

  /** A caller's calls in one round, and whether it stopped because it found the store closed. */
  private record Calls(List<CompletableFuture<?>> calls, boolean stoppedByClose) {}

  private static boolean closedFailure(CompletableFuture<?> call) {
    try {
      call.join();
      return false;
    } catch (RuntimeException e) {
      return Futures.unwrap(e) instanceof DbClosedException;
    }
  }

  @Test
  void storesOnOneDirectoryThroughASymlinkShareLocksSoConditionalPutsHaveOneWinner()
      throws Exception {
    Path real = Files.createDirectories(dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    ExecutorService pool = Executors.newFixedThreadPool(LOCK_THREADS);
    try (LocalFileObjectStore direct = new LocalFileObjectStore(real);
        LocalFileObjectStore viaLink = new LocalFileObjectStore(link)) {
      LocalFileObjectStore[] stores = {direct, viaLink};
      for (int round = 0; round < LOCK_ROUNDS; round++) {
        String key = "race/" + round;
        int r = round;
        int created =
            race(
                pool,
                "ifAbsent round " + round,
                t -> stores[t % 2].put(key, bytes("t" + t), PutCondition.ifAbsent()));
        assertThat(created).as("ifAbsent winners in round %d", round).isEqualTo(1);
        String version = join(direct.head(key)).version();
        int replaced =
            race(
                pool,
                "ifMatch round " + round,
                t -> stores[t % 2].put(key, bytes(r + "/" + t), PutCondition.ifMatch(version)));
        assertThat(replaced).as("ifMatch winners in round %d", round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs one put per thread at once and returns the number of winners; every other put must lose
   * with {@link PreconditionFailedException} (so each round really was contended).
   */
  private static int race(
      ExecutorService pool, String what, IntFunction<CompletableFuture<ObjectMeta>> put)
      throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger winners = new AtomicInteger();
    AtomicInteger losers = new AtomicInteger();
    List<Future<?>> tasks = new ArrayList<>();
    for (int t = 0; t < LOCK_THREADS; t++) {
      int thread = t;
      tasks.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  join(put.apply(thread));
                  winners.incrementAndGet();
                } catch (PreconditionFailedException lost) {
                  losers.incrementAndGet();
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> task : tasks) {
      try {
        task.get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw new AssertionError(what + ": a put failed other than by losing", e.getCause());
      }
    }
    assertThat(winners.get() + losers.get()).as("%s: contenders", what).isEqualTo(LOCK_THREADS);
    return winners.get();
  }

  @Test
  void openRemovesTempFilesOfAKilledWriterThatAreOlderThanAnHourAndKeepsFreshOnes()
      throws Exception {
    Path root = dir.resolve("store");
    try (LocalFileObjectStore first = new LocalFileObjectStore(root)) {
      join(first.put("kept", bytes("data"), PutCondition.none()));
    }
    Path temps = root.resolve("%tmp");
    Instant now = Instant.now();
    Path stale = Files.write(temps.resolve("killed-writer.tmp"), bytes("half a put"));
    Files.setLastModifiedTime(stale, FileTime.from(now.minus(Duration.ofHours(2))));
    Path fresh = Files.write(temps.resolve("live-writer.tmp"), bytes("a put in progress"));
    Files.setLastModifiedTime(fresh, FileTime.from(now.minus(Duration.ofMinutes(10))));

    try (LocalFileObjectStore reopened = new LocalFileObjectStore(root)) {
      assertThat(stale).doesNotExist();
      assertThat(fresh).exists();
      assertThat(join(reopened.get("kept")).data()).isEqualTo(bytes("data"));
    }
  }

  @Test
  void everyDirectoryTheStoreCreatesIsSyncedInItsParentBeforeThePutReturns() throws Exception {
    List<Path> synced = Collections.synchronizedList(new ArrayList<>());
    Path base = dir.toRealPath();
    Path root = base.resolve("new").resolve("store");
    try (LocalFileObjectStore store =
        new LocalFileObjectStore(
            root,
            null,
            d -> {
              synced.add(d);
              LocalPaths.fsyncDirectory(d);
            },
            LocalFileObjectStore.DEFAULT_OPEN_FILES)) {
      assertThat(synced).as("syncs at open").contains(base, base.resolve("new"), root);

      synced.clear();
      join(store.put("a/b/c", bytes("x"), PutCondition.ifAbsent()));
      Path a = root.resolve("a");
      assertThat(synced).as("syncs of the first put").containsExactly(root, a, a.resolve("b"));

      synced.clear();
      join(store.put("a/b/d", bytes("y"), PutCondition.none()));
      assertThat(synced)
          .as("syncs of a put into a known directory")
          .containsExactly(a.resolve("b"));
    }
  }

  @Test
  void putReturnsTheMetaOfItsOwnWriteEvenIfTheKeyChangesBeforeItReturns() throws Exception {
    Path root = dir.resolve("store");
    // Runs once, after the put's rename and before the put returns: another writer acts there.
    AtomicReference<Runnable> interloper = new AtomicReference<>();
    try (LocalFileObjectStore other = new LocalFileObjectStore(root);
        LocalFileObjectStore store =
            new LocalFileObjectStore(
                root,
                null,
                d -> {
                  LocalPaths.fsyncDirectory(d);
                  Runnable act = interloper.getAndSet(null);
                  if (act != null) {
                    act.run();
                  }
                },
                LocalFileObjectStore.DEFAULT_OPEN_FILES)) {
      ObjectMeta first = join(store.put("k", bytes("first"), PutCondition.ifAbsent()));

      AtomicReference<ObjectMeta> theirs = new AtomicReference<>();
      interloper.set(() -> theirs.set(join(other.put("k", bytes("theirs"), PutCondition.none()))));
      ObjectMeta mine = join(store.put("k", bytes("mine!"), PutCondition.ifMatch(first.version())));
      assertThat(theirs.get()).as("the interloper ran").isNotNull();
      assertThat(mine.version()).isNotEqualTo(theirs.get().version());
      assertThat(mine.size()).isEqualTo(5);
      assertThat(join(store.head("k"))).isEqualTo(theirs.get());

      interloper.set(() -> join(other.delete("k")));
      ObjectMeta deleted = join(store.put("k", bytes("gone at once"), PutCondition.none()));
      assertThat(deleted.size()).isEqualTo(12);
      assertThatThrownBy(() -> join(store.head("k"))).isInstanceOf(ObjectNotFoundException.class);
    }
  }

  @Test
  void smallRangedReadsRunOnTheCallersThreadAndLargerReadsOnThePool() {
    AtomicInteger pooled = new AtomicInteger();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    LocalFileObjectStore store =
        new LocalFileObjectStore(
            dir,
            task -> {
              pooled.incrementAndGet();
              pool.execute(task);
            });
    try {
      int size = LocalFileObjectStore.INLINE_READ_BYTES + 1;
      join(store.put("t/big", new byte[size], PutCondition.none()));
      pooled.set(0);

      CompletableFuture<ObjectContent> small =
          store.get("t/big", ByteRange.of(10, LocalFileObjectStore.INLINE_READ_BYTES));
      CompletableFuture<ObjectContent> tail =
          store.get("t/big", ByteRange.suffix(LocalFileObjectStore.INLINE_READ_BYTES));
      CompletableFuture<ObjectContent> missing = store.get("t/none", ByteRange.of(0, 10));
      assertThat(small).isCompleted();
      assertThat(tail).isCompleted();
      assertThat(pooled).hasValue(0);
      assertThat(join(small).data()).hasSize(LocalFileObjectStore.INLINE_READ_BYTES - 9);
      assertThat(join(tail).data()).hasSize(LocalFileObjectStore.INLINE_READ_BYTES);
      // A failure of an inline read completes the future, as it would on the pool; it is not
      // thrown.
      assertThatThrownBy(() -> join(missing)).isInstanceOf(ObjectNotFoundException.class);

      assertThat(join(store.get("t/big", ByteRange.of(0, size))).data()).hasSize(size);
      assertThat(join(store.get("t/big")).data()).hasSize(size);
      assertThat(pooled).hasValue(2);

      store.close();
      assertThatThrownBy(() -> join(store.get("t/big", ByteRange.of(0, 10))))
          .isInstanceOf(DbClosedException.class);
    } finally {
      store.close();
      pool.shutdownNow();
    }
  }
}
