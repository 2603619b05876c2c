package dev.shaledb.chaos;

import static dev.shaledb.objectstore.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ManualScheduler;
import dev.shaledb.objectstore.MultipartUpload;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectUpload;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.objectstore.RetryingObjectStore;
import dev.shaledb.testing.Seeds;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Transient faults under the one retry layer: every conditional put ends in a truthful success or
 * in an unknown outcome, never in a 412 that answers its own write.
 */
class RetryingOverFaultsTest {
  private static final int PUTS = Boolean.getBoolean("shaledb.long") ? 50_000 : 3_000;

  @Test
  void sequentialIfAbsentPutsSucceedTruthfullyOrAreUnknown() {
    Seeds.Gen gen = Seeds.gen("retryingOverFaults");
    FaultPlan plan =
        FaultPlan.none()
            .withErrors(0.01 + 0.19 * gen.random().nextDouble())
            .withPutBursts(0.01, gen.intBetween(2, 15))
            .withTimeouts(0.05 * gen.random().nextDouble(), 0.05 * gen.random().nextDouble());
    InMemoryObjectStore memory = new InMemoryObjectStore();
    FaultInjectingObjectStore faults = new FaultInjectingObjectStore(memory, plan, gen.seed());
    ManualScheduler scheduler = new ManualScheduler();
    RetryingObjectStore store =
        new RetryingObjectStore(
            faults, scheduler, new SplittableRandom(gen.random().nextLong()), defaults());
    String replay = gen + " " + faults;

    int succeeded = 0;
    int unknown = 0;
    for (int i = 0; i < PUTS; i++) {
      String key = String.format("obj/%06d", i);
      byte[] data = gen.bytes(gen.skewedLength(256));
      CompletableFuture<ObjectMeta> put = store.put(key, data, PutCondition.ifAbsent());
      scheduler.runAll();
      assertThat(put).as("%s put %s", replay, key).isDone();
      Throwable failure = put.isCompletedExceptionally() ? failureOf(put) : null;
      if (failure == null) {
        succeeded++;
        assertThat(join(memory.get(key)).data()).as("%s acked %s", replay, key).isEqualTo(data);
      } else {
        unknown++;
        assertThat(failure)
            .as("%s put %s", replay, key)
            .isInstanceOf(OutcomeUnknownException.class);
        // Nobody else writes these keys: whatever is there is ours.
        try {
          assertThat(join(memory.get(key)).data()).as("%s %s", replay, key).isEqualTo(data);
        } catch (ObjectNotFoundException absent) {
          // not applied: allowed for an unknown outcome
        }
      }
    }
    System.out.printf(
        "%s: %d succeeded, %d unknown, faults %s, virtual backoff %.1f s%n",
        replay, succeeded, unknown, faults.stats(), scheduler.nowNanos() / 1e9);
    assertThat(succeeded).as(replay).isGreaterThan(PUTS / 2);
    assertThat(faults.stats().values().stream().mapToLong(Long::longValue).sum())
        .as(replay)
        .isPositive();
  }

  /** Counts the completions of each key's uploads that reach the store beneath the faults. */
  private static final class CompletionsSeen extends ForwardingObjectStore {
    final Map<String, Integer> completions = new ConcurrentHashMap<>();

    CompletionsSeen(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    public MultipartUpload multipartUpload(String key) {
      return MultipartUpload.intercepted(delegate.multipartUpload(key), this::seen);
    }

    private <T> CompletableFuture<T> seen(
        MultipartUpload.Request request, Supplier<CompletableFuture<T>> send) {
      if (request.kind() == MultipartUpload.Kind.COMPLETE) {
        completions.merge(request.key(), 1, Integer::sum);
      }
      return send.get();
    }
  }

  @Test
  void streamedUploadsEndWholeOrNotAtAllAndAmbiguousCompletionsAreRepeated() {
    Seeds.Gen gen = Seeds.gen("streamedUploadsUnderFaults");
    FaultPlan plan =
        FaultPlan.none()
            .withErrors(0.05 + 0.15 * gen.random().nextDouble())
            .withPutBursts(0.01, gen.intBetween(2, 6))
            .withTimeouts(
                0.05 * gen.random().nextDouble(), 0.02 + 0.08 * gen.random().nextDouble());
    InMemoryObjectStore memory = new InMemoryObjectStore(Clock.systemUTC(), 64);
    CompletionsSeen seen = new CompletionsSeen(memory);
    FaultInjectingObjectStore faults = new FaultInjectingObjectStore(seen, plan, gen.seed());
    ManualScheduler scheduler = new ManualScheduler();
    RetryingObjectStore store =
        new RetryingObjectStore(
            faults, scheduler, new SplittableRandom(gen.random().nextLong()), defaults());
    String replay = gen + " " + faults;

    int uploads = PUTS / 10;
    int succeeded = 0;
    for (int i = 0; i < uploads; i++) {
      String key = String.format("sst/%06d", i);
      byte[] data = gen.bytes(gen.intBetween(1, 10 * 64));
      // Room for every part in flight: retries run only in runAll(), on this thread.
      ObjectUpload upload = ObjectUpload.open(store, key, 16);
      boolean written;
      try {
        upload.write(ByteBuffer.wrap(data));
        written = true;
      } catch (RuntimeException partFailed) {
        written = false; // a part failed for good: the upload is aborted
      }
      CompletableFuture<ObjectMeta> done =
          written ? upload.complete() : upload.abort().thenApply(v -> null);
      scheduler.runAll();
      assertThat(done).as("%s upload %s", replay, key).isDone();
      if (written && !done.isCompletedExceptionally()) {
        succeeded++;
        assertThat(join(memory.get(key)).data()).as("%s acked %s", replay, key).isEqualTo(data);
        continue;
      }
      // Failed: nothing visible, or (a completion applied before the retries gave up) all of it.
      try {
        assertThat(join(memory.get(key)).data()).as("%s failed %s", replay, key).isEqualTo(data);
      } catch (ObjectNotFoundException absent) {
        // not published
      }
    }
    long repeated = seen.completions.values().stream().filter(n -> n > 1).count();
    System.out.printf(
        "%s: %d of %d uploads succeeded, %d completions repeated, faults %s%n",
        replay, succeeded, uploads, repeated, faults.stats());
    assertThat(succeeded).as(replay).isGreaterThan(uploads / 2);
    assertThat(repeated).as("%s: ambiguous completions were exercised", replay).isPositive();
  }

  private static RetryingObjectStore.Options defaults() {
    RetryingObjectStore.Options options = RetryingObjectStore.Options.defaults();
    assertThat(options.baseDelay()).isEqualTo(Duration.ofMillis(50));
    return options;
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    return Futures.unwrap(future.handle((v, e) -> e).join());
  }
}
