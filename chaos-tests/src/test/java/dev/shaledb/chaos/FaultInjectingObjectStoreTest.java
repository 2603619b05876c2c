package dev.shaledb.chaos;

import static dev.shaledb.objectstore.Futures.join;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ManualScheduler;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PreconditionFailedException;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.testing.Seeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FaultInjectingObjectStoreTest {
  private final InMemoryObjectStore memory = new InMemoryObjectStore();

  private FaultInjectingObjectStore faulty(FaultPlan plan) {
    return new FaultInjectingObjectStore(memory, plan, 1L);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static boolean differs(byte[] truth, byte[] damaged, int i) {
    return i >= damaged.length || damaged[i] != truth[i];
  }

  private static Throwable failure(CompletableFuture<?> future) {
    assertThat(future).isCompletedExceptionally();
    return Futures.unwrap(future.handle((v, e) -> e).join());
  }

  private boolean stored(String key) {
    return !join(memory.list(key)).isEmpty();
  }

  @Test
  void errorsAreRetryable500s503sAnd429sAndSome500sWereApplied() {
    FaultInjectingObjectStore store = faulty(FaultPlan.none().withErrors(1.0));
    Set<String> codes = new HashSet<>();
    int applied = 0;
    for (int i = 0; i < 90; i++) {
      Throwable e = failure(store.put("k" + i, bytes("v"), PutCondition.none()));
      assertThat(e).isExactlyInstanceOf(ObjectStoreException.class);
      assertThat(((ObjectStoreException) e).isRetryable()).isTrue();
      codes.add(e.getMessage().substring(0, 3));
      if (stored("k" + i)) {
        applied++;
        assertThat(e.getMessage()).startsWith("500");
      }
    }
    assertThat(codes).containsExactlyInAnyOrder("500", "503", "429");
    Map<FaultKind, Long> stats = store.stats();
    assertThat(stats.get(FaultKind.ERROR_500_APPLIED)).isEqualTo(applied).isPositive();
    assertThat(
            stats.get(FaultKind.ERROR_500)
                + stats.get(FaultKind.ERROR_500_APPLIED)
                + stats.get(FaultKind.ERROR_503)
                + stats.get(FaultKind.ERROR_429))
        .isEqualTo(90);
    assertThat(failure(store.get("k0"))).isInstanceOf(ObjectStoreException.class);
  }

  @Test
  void putBurstsFailWholeRunsOfPutsCountedInPutsOnly() {
    int length = 7;
    FaultInjectingObjectStore store = faulty(FaultPlan.none().withPutBursts(0.05, length));
    join(memory.put("r", bytes("x"), PutCondition.none()));
    List<Boolean> failed = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      CompletableFuture<ObjectMeta> put = store.put("k" + i, bytes("v"), PutCondition.none());
      failed.add(put.isCompletedExceptionally());
      if (put.isCompletedExceptionally()) {
        assertThat(failure(put)).hasMessageStartingWith("503 SlowDown");
      }
      assertThat(join(store.get("r")).data()).as("reads pass through bursts").isEqualTo(bytes("x"));
    }
    int run = 0;
    int runs = 0;
    for (boolean f : failed) {
      if (f) {
        run++;
      } else if (run > 0) {
        assertThat(run % length).as("a run of failed PUTs is whole bursts").isZero();
        run = 0;
        runs++;
      }
    }
    assertThat(runs).isPositive();
    assertThat(store.stats().get(FaultKind.PUT_BURST))
        .isEqualTo(failed.stream().filter(f -> f).count());
  }

  @Test
  void timeoutBeforeApplyLeavesNothingBehind() {
    FaultInjectingObjectStore store = faulty(FaultPlan.none().withTimeouts(1.0, 0));
    assertThat(failure(store.put("k", bytes("v"), PutCondition.ifAbsent())))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("before");
    assertThat(stored("k")).isFalse();
    assertThat(failure(store.head("k"))).isInstanceOf(OutcomeUnknownException.class);
    assertThat(store.stats().get(FaultKind.TIMEOUT_BEFORE_APPLY)).isEqualTo(2);
  }

  @Test
  void timeoutAfterApplyLeavesTheObjectPresent() {
    FaultInjectingObjectStore store = faulty(FaultPlan.none().withTimeouts(0, 1.0));
    assertThat(failure(store.put("k", bytes("v"), PutCondition.ifAbsent())))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("after");
    assertThat(join(memory.get("k")).data()).isEqualTo(bytes("v"));
    assertThat(failure(store.delete("k"))).isInstanceOf(OutcomeUnknownException.class);
    assertThat(stored("k")).isFalse();
    assertThat(store.stats().get(FaultKind.TIMEOUT_AFTER_APPLY)).isEqualTo(2);
  }

  @Test
  void phantomConflictsAnswerOnlyAppliedIfAbsentPutsWith412() {
    FaultInjectingObjectStore store = faulty(FaultPlan.none().withPhantomConflicts(1.0));
    assertThat(failure(store.put("k", bytes("ours"), PutCondition.ifAbsent())))
        .isInstanceOf(PreconditionFailedException.class);
    assertThat(join(memory.get("k")).data()).as("it was applied").isEqualTo(bytes("ours"));
    assertThat(failure(store.put("k", bytes("again"), PutCondition.ifAbsent())))
        .as("a genuine 412 stays a 412")
        .isInstanceOf(PreconditionFailedException.class);
    ObjectMeta meta = join(store.put("k", bytes("two"), PutCondition.none()));
    join(store.put("k", bytes("three"), PutCondition.ifMatch(meta.version())));
    assertThat(store.stats().get(FaultKind.PHANTOM_CONFLICT)).isEqualTo(1);
  }

  @Test
  void corruptReadsDamageOnlyTheReturnedCopyInEveryWay() {
    Seeds.Gen gen = Seeds.gen("corruptReads");
    FaultInjectingObjectStore store = faulty(FaultPlan.none().withCorruptReads(1.0));
    byte[] original = gen.bytes(3000);
    join(store.put("k", original, PutCondition.none()));
    // the source of "another object's bytes": the last object put or read intact
    join(store.put("other", gen.bytes(5000), PutCondition.none()));
    for (int i = 0; i < 200; i++) {
      boolean ranged = i % 2 == 1;
      ObjectContent content =
          join(ranged ? store.get("k", ByteRange.of(100, 1000)) : store.get("k"));
      byte[] truth = ranged ? Arrays.copyOfRange(original, 100, 1100) : original;
      assertThat(content.data()).as("%s read %d", gen, i).isNotEqualTo(truth);
      assertThat(content.offset()).isEqualTo(ranged ? 100 : 0);
      assertThat(content.meta().size()).isEqualTo(3000);
      // The record names the span of the bytes that differ, at object offsets, and no more.
      DamagedRead read = store.damagedReads().get(i);
      int at = ranged ? 100 : 0;
      assertThat(read.key()).isEqualTo("k");
      assertThat(read.range()).isEqualTo(ranged ? ByteRange.of(100, 1000) : ByteRange.all());
      assertThat(read.offset()).isEqualTo(at);
      assertThat(read.length()).isEqualTo(truth.length);
      for (int b = 0; b < truth.length; b++) {
        if (differs(truth, content.data(), b)) {
          assertThat(read.damages(at + b)).as("read %d byte %d", i, b).isTrue();
        }
      }
      assertThat(differs(truth, content.data(), (int) read.from() - at)).isTrue();
      assertThat(differs(truth, content.data(), (int) read.to() - 1 - at)).isTrue();
    }
    assertThat(store.damagedReads()).hasSize(200);
    assertThat(join(memory.get("k")).data()).isEqualTo(original);
    Map<FaultKind, Long> stats = store.stats();
    for (FaultKind kind :
        List.of(
            FaultKind.CORRUPT_BIT_FLIP,
            FaultKind.CORRUPT_ZEROED_RANGE,
            FaultKind.CORRUPT_TRUNCATED,
            FaultKind.CORRUPT_FOREIGN_BYTES)) {
      assertThat(stats.get(kind)).as("%s", kind).isPositive();
    }
    assertThat(failure(store.get("missing"))).isInstanceOf(ObjectNotFoundException.class);
  }

  /** The long tier's one "not accounted" read: counted in the ledger after the counts closed. */
  @Test
  void aSealedStoreDamagesNothingMoreAndItsCountsMatchItsRecords() {
    FaultInjectingObjectStore store = faulty(FaultPlan.none().withCorruptReads(1.0));
    byte[] original = Seeds.gen("sealed").bytes(300);
    join(store.put("k", original, PutCondition.none()));
    List<DamagedRead> told = new ArrayList<>();
    store.onDamage(told::add);
    assertThat(join(store.get("k")).data()).isNotEqualTo(original);
    Map<FaultKind, Long> sealed = store.seal();
    assertThat(join(store.get("k")).data()).isEqualTo(original);
    assertThat(store.stats()).isEqualTo(sealed);
    long counted =
        sealed.entrySet().stream()
            .filter(e -> e.getKey().name().startsWith("CORRUPT_"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    assertThat(counted).isEqualTo(told.size()).isEqualTo(store.damagedReads().size()).isOne();
  }

  @Test
  void latencyIsScheduledWithJitterAndOffWithoutAScheduler() {
    FaultPlan slow = FaultPlan.none().withLatency(Duration.ofMillis(5), Duration.ofMillis(5));
    ManualScheduler scheduler = new ManualScheduler();
    FaultInjectingObjectStore store = new FaultInjectingObjectStore(memory, slow, 3L, scheduler);
    List<CompletableFuture<ObjectMeta>> puts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      puts.add(store.put("k" + i, bytes("v"), PutCondition.none()));
    }
    assertThat(puts).noneMatch(CompletableFuture::isDone);
    assertThat(stored("k0")).isFalse();
    scheduler.advance(Duration.ofMillis(10));
    assertThat(puts).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(scheduler.delaysNanos())
        .allSatisfy(d -> assertThat(d).isBetween(5_000_000L, 10_000_000L));
    assertThat(new HashSet<>(scheduler.delaysNanos())).hasSizeGreaterThan(1);
    assertThat(store.stats().get(FaultKind.LATENCY)).isEqualTo(20);

    assertThat(faulty(slow).put("now", bytes("v"), PutCondition.none())).isDone();
  }

  @Test
  void crashRefusesNewRequestsWhileAcceptedOnesStillLand() {
    ManualScheduler scheduler = new ManualScheduler();
    FaultPlan slow = FaultPlan.none().withLatency(Duration.ofMillis(1), Duration.ZERO);
    FaultInjectingObjectStore store = new FaultInjectingObjectStore(memory, slow, 3L, scheduler);
    CompletableFuture<ObjectMeta> inFlight = store.put("sent", bytes("v"), PutCondition.ifAbsent());
    store.crash();
    Throwable refused = failure(store.put("later", bytes("v"), PutCondition.none()));
    assertThat(refused)
        .isExactlyInstanceOf(ObjectStoreException.class)
        .hasMessageContaining("crashed");
    assertThat(((ObjectStoreException) refused).isRetryable()).isFalse();
    assertThat(failure(store.get("sent"))).hasMessageContaining("crashed");
    scheduler.runAll();
    assertThat(join(memory.get("sent")).data()).as("a sent request lands").isEqualTo(bytes("v"));
    assertThat(stored("later")).isFalse();
    assertThat(failure(inFlight))
        .as("the dead process hears no answer")
        .hasMessageContaining("crashed");
    assertThat(store.stats().get(FaultKind.CRASH_REJECTED)).isEqualTo(2);
  }

  @Test
  void theSameSeedGivesTheSameFaultsToASingleThreadedCaller() {
    long seed = Seeds.seed("sameSeedSameFaults");
    FaultPlan plan =
        new FaultPlan(0.1, 0.02, 4, 0.05, 0.05, 0.05, 0.1, Duration.ZERO, Duration.ZERO);
    List<String> first = trace(plan, seed);
    assertThat(trace(plan, seed)).isEqualTo(first);
    assertThat(trace(plan, seed + 1)).isNotEqualTo(first);
  }

  /** What a fixed sequence of requests observed: each outcome, then the stats. */
  private static List<String> trace(FaultPlan plan, long seed) {
    FaultInjectingObjectStore store =
        new FaultInjectingObjectStore(new InMemoryObjectStore(), plan, seed);
    Seeds.Gen requests = new Seeds.Gen(99);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String key = "k" + requests.intBetween(0, 20);
      int op = requests.intBetween(0, 3);
      CompletableFuture<?> f =
          op == 0
              ? store.put(key, requests.bytes(requests.intBetween(1, 64)), PutCondition.ifAbsent())
              : op == 1
                  ? store.put(key, requests.bytes(8), PutCondition.none())
                  : op == 2 ? store.get(key) : store.delete(key);
      out.add(describe(f));
    }
    out.add(store.stats().toString());
    return out;
  }

  private static String describe(CompletableFuture<?> f) {
    if (f.isCompletedExceptionally()) {
      Throwable e = Futures.unwrap(f.handle((v, error) -> error).join());
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    Object value = f.join();
    if (value instanceof ObjectContent c) {
      return "data " + Arrays.hashCode(c.data());
    }
    // lastModified comes from the wall clock: leave it out.
    return value instanceof ObjectMeta m ? "ok " + m.size() + " " + m.version() : "ok";
  }
}
