package dev.shaledb.objectstore;

import static dev.shaledb.objectstore.Futures.join;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.RetryingObjectStore.Options;
import dev.shaledb.objectstore.ScriptedObjectStore.Step;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class RetryingObjectStoreTest {
  private static final Options OPTIONS =
      new Options(5, Duration.ofMillis(10), Duration.ofMillis(100));

  private final InMemoryObjectStore memory = new InMemoryObjectStore();
  private final ScriptedObjectStore scripted = new ScriptedObjectStore(memory);
  private final ManualScheduler scheduler = new ManualScheduler();
  private final RetryingObjectStore store =
      new RetryingObjectStore(scripted, scheduler, new SplittableRandom(42), OPTIONS);

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static ObjectStoreException serverError() {
    return new ObjectStoreException("500 InternalError (injected)", true);
  }

  private static ObjectStoreException slowDown() {
    return new ObjectStoreException("503 SlowDown (injected)", true);
  }

  private static OutcomeUnknownException timeout() {
    return new OutcomeUnknownException("timed out (injected)", new TimeoutException());
  }

  private <T> T run(CompletableFuture<T> future) {
    scheduler.runAll();
    assertThat(future).isDone();
    return join(future);
  }

  private <T> Throwable failure(CompletableFuture<T> future) {
    scheduler.runAll();
    assertThat(future).isCompletedExceptionally();
    return Futures.unwrap(future.handle((v, e) -> e).join());
  }

  @Test
  void retriesTransientFailuresOfEveryKindOfRequest() {
    scripted.then(Step.fail(serverError()), Step.fail(slowDown()), Step.fail(timeout()));
    CompletableFuture<ObjectMeta> put = store.put("k", bytes("v"), PutCondition.none());
    assertThat(put).as("retries wait on the scheduler").isNotDone();
    assertThat(run(put).size()).isEqualTo(1);
    assertThat(scripted.requests()).isEqualTo(4);

    scripted.then(Step.fail(slowDown()), Step.fail(timeout()));
    assertThat(run(store.get("k")).data()).isEqualTo(bytes("v"));
    scripted.then(Step.fail(slowDown()));
    assertThat(run(store.head("k")).size()).isEqualTo(1);
    scripted.then(Step.fail(timeout()));
    assertThat(run(store.list(""))).hasSize(1);
    scripted.then(Step.applyThenFail(serverError()));
    run(store.delete("k"));
    assertThat(scripted.requests()).isEqualTo(4 + 3 + 2 + 2 + 2);
    assertThat(join(memory.list(""))).isEmpty();
  }

  @Test
  void exhaustionReportsTheLastFailureKindWithTheAttemptCount() {
    for (int i = 0; i < 5; i++) {
      scripted.then(Step.fail(slowDown()));
    }
    Throwable e = failure(store.get("k"));
    assertThat(e)
        .isExactlyInstanceOf(ObjectStoreException.class)
        .hasMessageContaining("after 5 attempt(s)");
    assertThat(((ObjectStoreException) e).isRetryable()).isTrue();
    assertThat(e.getSuppressed()).hasSize(4);
    assertThat(scripted.requests()).isEqualTo(5);
    assertThat(scheduler.delaysNanos()).hasSize(4);

    scripted.times(5, Step.fail(timeout()));
    assertThat(failure(store.head("k"))).isInstanceOf(OutcomeUnknownException.class);

    scripted.times(5, Step.applyThenFail(serverError()));
    assertThat(failure(store.put("u", bytes("v"), PutCondition.none())))
        .as("unconditional puts are idempotent: no ambiguity to report")
        .isExactlyInstanceOf(ObjectStoreException.class);
  }

  @Test
  void nonRetryableFailuresAreNotRetried() {
    ObjectStoreException forbidden = new ObjectStoreException("403 (injected)", false);
    scripted.then(Step.fail(forbidden));
    assertThat(failure(store.put("k", bytes("v"), PutCondition.ifAbsent()))).isSameAs(forbidden);
    assertThat(failure(store.get("missing"))).isInstanceOf(ObjectNotFoundException.class);
    assertThat(failure(store.put("a//b", bytes("v"), PutCondition.none())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(scripted.requests()).isEqualTo(3);
    assertThat(scheduler.delaysNanos()).isEmpty();
  }

  @Test
  void preconditionFailedOnTheFirstAttemptIsReportedAsSuch() {
    join(memory.put("k", bytes("theirs"), PutCondition.none()));
    assertThat(failure(store.put("k", bytes("ours"), PutCondition.ifAbsent())))
        .isInstanceOf(PreconditionFailedException.class);
    assertThat(failure(store.put("k", bytes("ours"), PutCondition.ifMatch("v0"))))
        .isInstanceOf(PreconditionFailedException.class);
    assertThat(scripted.requests()).isEqualTo(2);
  }

  @Test
  void preconditionFailedAfterAnAttemptThatMayHaveBeenAppliedIsOutcomeUnknown() {
    List<RuntimeException> ambiguous = List.of(timeout(), serverError(), slowDown());
    for (int i = 0; i < ambiguous.size(); i++) {
      String key = "k" + i;
      scripted.then(Step.applyThenFail(ambiguous.get(i)));
      Throwable e = failure(store.put(key, bytes("ours"), PutCondition.ifAbsent()));
      assertThat(e).isInstanceOf(OutcomeUnknownException.class);
      assertThat(e.getCause()).isInstanceOf(PreconditionFailedException.class);
      assertThat(e.getSuppressed()).containsExactly(ambiguous.get(i));
      assertThat(join(memory.get(key)).data()).isEqualTo(bytes("ours"));
    }

    ObjectMeta v1 = join(memory.put("m", bytes("one"), PutCondition.none()));
    scripted.then(Step.applyThenFail(timeout()));
    Throwable e = failure(store.put("m", bytes("two"), PutCondition.ifMatch(v1.version())));
    assertThat(e).isInstanceOf(OutcomeUnknownException.class);
    assertThat(e.getCause()).isInstanceOf(PreconditionFailedException.class);
  }

  @Test
  void anyFinalFailureAfterAPossiblyAppliedConditionalAttemptIsOutcomeUnknown() {
    scripted.then(Step.fail(timeout()), Step.fail(new ObjectStoreException("403", false)));
    Throwable refused = failure(store.put("a", bytes("v"), PutCondition.ifAbsent()));
    assertThat(refused).isInstanceOf(OutcomeUnknownException.class);
    assertThat(refused.getCause()).hasMessage("403");

    scripted.times(5, Step.fail(slowDown()));
    Throwable exhausted = failure(store.put("b", bytes("v"), PutCondition.ifAbsent()));
    assertThat(exhausted)
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("after 5 attempt(s)");
  }

  @Test
  void aRetryThatSucceedsAfterAnAmbiguousAttemptIsASuccess() {
    scripted.then(Step.fail(timeout()), Step.fail(serverError()));
    ObjectMeta meta = run(store.put("k", bytes("ours"), PutCondition.ifAbsent()));
    assertThat(meta.size()).isEqualTo(4);
    assertThat(join(memory.get("k")).data()).isEqualTo(bytes("ours"));
  }

  @Test
  void everyAttemptSendsTheBytesOfTheCall() {
    byte[] array = bytes("first");
    scripted.then(Step.fail(slowDown()));
    CompletableFuture<ObjectMeta> put = store.put("k", ByteBuffer.wrap(array), PutCondition.none());
    array[0] = 'X';
    run(put);
    assertThat(join(memory.get("k")).data()).isEqualTo(bytes("first"));
  }

  @Test
  void delaysAreFullJitterUnderACappedExponentialAndReplayForASeed() {
    List<Long> delays = delaysFor(7);
    assertThat(delays).hasSize(9).isEqualTo(delaysFor(7)).isNotEqualTo(delaysFor(8));
    long base = Duration.ofMillis(50).toNanos();
    long max = Duration.ofSeconds(2).toNanos();
    for (int i = 0; i < delays.size(); i++) {
      long cap = Math.min(max, base << i);
      assertThat(delays.get(i)).as("delay %d", i).isBetween(0L, cap);
    }
    assertThat(delays.subList(6, 9))
        .as("late delays reach past the early caps")
        .anySatisfy(d -> assertThat(d).isGreaterThan(base * 4));
  }

  private static List<Long> delaysFor(long seed) {
    ManualScheduler clock = new ManualScheduler();
    ScriptedObjectStore failing =
        new ScriptedObjectStore(new InMemoryObjectStore()).times(9, Step.fail(slowDown()));
    RetryingObjectStore retrying = new RetryingObjectStore(failing, clock, seed);
    CompletableFuture<ObjectMeta> head = retrying.head("k");
    clock.runAll();
    assertThat(head).isCompletedExceptionally();
    assertThat(failing.requests()).isEqualTo(10);
    return clock.delaysNanos();
  }

  @Test
  void closeFailsPendingCallsCancelsRetriesAndClosesTheDelegate() {
    scripted.then(Step.fail(slowDown()), Step.applyThenFail(timeout()));
    CompletableFuture<ObjectContent> get = store.get("k");
    CompletableFuture<ObjectMeta> put = store.put("c", bytes("v"), PutCondition.ifAbsent());
    assertThat(scheduler.queued()).isEqualTo(2);

    store.close();
    store.close();
    assertThat(get).isCompletedExceptionally();
    assertThat(Futures.unwrap(get.handle((v, e) -> e).join()))
        .isInstanceOf(DbClosedException.class);
    assertThat(Futures.unwrap(put.handle((v, e) -> e).join()))
        .as("the first attempt was applied")
        .isInstanceOf(OutcomeUnknownException.class);
    assertThat(scheduler.queued()).isZero();
    scheduler.runAll();
    assertThat(scripted.requests()).isEqualTo(2);
    assertThat(failure(memory.list(""))).isInstanceOf(DbClosedException.class);

    assertThat(failure(store.head("k"))).isInstanceOf(DbClosedException.class);
    assertThat(scripted.requests()).isEqualTo(2);
  }

  @Test
  void closeWithAttemptsInFlightReportsConditionalPutsAsUnknown() {
    CompletableFuture<ObjectMeta> never = new CompletableFuture<>();
    ObjectStore stuck =
        new ForwardingObjectStore(memory) {
          @Override
          public CompletableFuture<ObjectMeta> put(
              String key, ByteBuffer data, PutCondition condition) {
            return never;
          }
        };
    RetryingObjectStore retrying = new RetryingObjectStore(stuck, scheduler, 1L);
    CompletableFuture<ObjectMeta> conditional =
        retrying.put("a", bytes("v"), PutCondition.ifAbsent());
    CompletableFuture<ObjectMeta> plain = retrying.put("b", bytes("v"), PutCondition.none());
    retrying.close();
    assertThat(Futures.unwrap(conditional.handle((v, e) -> e).join()))
        .isInstanceOf(OutcomeUnknownException.class);
    assertThat(Futures.unwrap(plain.handle((v, e) -> e).join()))
        .isInstanceOf(DbClosedException.class);
    never.completeExceptionally(slowDown());
    assertThat(scheduler.queued()).as("no retry after close").isZero();
  }

  @Test
  void retriesEveryRequestOfAnUploadAndRepeatsACompletionThatMayHaveBeenApplied() {
    InMemoryObjectStore parts = new InMemoryObjectStore(Clock.systemUTC(), 10);
    ScriptedObjectStore flaky = new ScriptedObjectStore(parts);
    RetryingObjectStore retrying =
        new RetryingObjectStore(flaky, scheduler, new SplittableRandom(42), OPTIONS);
    flaky.then(
        Step.fail(slowDown()), // start
        Step.pass(), // start, again
        Step.applyThenFail(serverError()), // part 1: written, answer lost
        Step.pass(), // part 1, again: replaces itself
        Step.pass(), // part 2
        Step.applyThenFail(timeout()), // complete: published, answer lost
        Step.pass()); // complete, again: answers as the first did
    ObjectUpload upload = ObjectUpload.open(retrying, "big", 1);
    upload.write(ByteBuffer.wrap(bytes("0123456789abcde")));
    scheduler.runAll(); // start and part 1 retried before the last part is sent
    ObjectMeta meta = run(upload.complete());
    assertThat(flaky.requests()).isEqualTo(7);
    assertThat(meta).isEqualTo(join(parts.head("big")));
    assertThat(join(parts.get("big")).data()).isEqualTo(bytes("0123456789abcde"));
  }

  @Test
  void refusesASecondRetryLayerAndBadOptions() {
    assertThatThrownBy(() -> new RetryingObjectStore(store, scheduler, 1L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one retry layer");
    assertThatThrownBy(() -> new Options(0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Options(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Options.defaults())
        .isEqualTo(new Options(10, Duration.ofMillis(50), Duration.ofSeconds(2)));
  }
}
