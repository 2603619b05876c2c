package dev.shaledb.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.chaos.ExpectedState.Outcome;
import dev.shaledb.chaos.ExpectedState.Violation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The oracle must catch each broken promise and accept every legal outcome. */
class ExpectedStateTest {
  private final ExpectedState oracle = new ExpectedState();

  private Write put(int p, String key, long n, Outcome outcome) {
    Write w = oracle.beginPut(p, key, p + ":" + n);
    oracle.end(List.of(w), outcome);
    return w;
  }

  private static byte[] value(int p, long n, String key) {
    return UniqueValues.encode(p, n, key, 3);
  }

  private List<Violation> verify(Map<String, byte[]> actual) {
    return oracle.verify(actual).stream().map(ExpectedState.Finding::violation).toList();
  }

  private Write merge(int p, String key, long n, Outcome outcome) {
    Write w = oracle.beginMerge(p, key, p + ":" + n);
    oracle.end(List.of(w), outcome);
    return w;
  }

  /** What the harness's operator makes of a base put (or none) and operands, oldest first. */
  private static byte[] merged(byte[] base, String key, int p, long... ops) {
    List<byte[]> operands = new java.util.ArrayList<>();
    for (long n : ops) {
      operands.add(value(p, n, key));
    }
    return ChaosMerge.OPERATOR.fullMerge(key.getBytes(), base, operands);
  }

  @Test
  void aCloneHoldsEveryWriteAcceptedBeforeItsCallAndNothingBegunAfter() {
    put(1, "a", 1, Outcome.DURABLE);
    put(1, "b", 2, Outcome.ACCEPTED); // not durable: the cloner's own, so the clone holds it
    put(2, "e", 6, Outcome.ACCEPTED); // another process's, not durable: it may have crashed
    put(1, "c", 3, Outcome.FAILED); // outcome unknown: either way in the clone too
    Write open = oracle.beginPut(1, "d", "1:4"); // in flight across the call
    long began = oracle.tick();
    List<ExpectedState> clones = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      clones.add(oracle.forkForClone(began, 1));
    }
    oracle.end(List.of(open), Outcome.DURABLE);
    put(1, "a", 5, Outcome.DURABLE); // the source's only
    byte[] a1 = value(1, 1, "a");
    byte[] b2 = value(1, 2, "b");
    assertThat(clones.get(0).verify(Map.of("a", a1, "b", b2))).isEmpty();
    // (A verification rebases the oracle on what it saw, so each case gets its own clone.)
    assertThat(clones.get(4).verify(Map.of("a", a1, "b", b2, "e", value(2, 6, "e")))).isEmpty();
    assertThat(
            clones
                .get(1)
                .verify(Map.of("a", a1, "b", b2, "c", value(1, 3, "c"), "d", value(1, 4, "d"))))
        .isEmpty();
    assertThat(clones.get(2).verify(Map.of("a", a1)))
        .extracting(ExpectedState.Finding::violation)
        .containsExactly(Violation.LOST_ACKED_WRITE);
    assertThat(clones.get(3).verify(Map.of("a", value(1, 5, "a"), "b", b2)))
        .extracting(ExpectedState.Finding::violation)
        .containsExactly(Violation.PHANTOM_VALUE);
    // The source is not the clone: its later write (and the one in flight, acknowledged since)
    // must show there.
    assertThat(verify(Map.of("a", a1, "b", b2, "d", value(1, 4, "d"))))
        .containsExactly(Violation.LOST_ACKED_WRITE);
  }

  @Test
  void aMergedValueMustHoldEveryAcknowledgedOperandInOrderOverTheRightBase() {
    put(1, "k", 1, Outcome.DURABLE);
    merge(1, "k", 2, Outcome.DURABLE);
    merge(1, "k", 3, Outcome.FAILED);
    merge(1, "k", 4, Outcome.DURABLE);
    byte[] base = value(1, 1, "k");
    // Legal: both acknowledged operands in order, with or without the failed one.
    ExpectedState o = oracle;
    assertThat(o.checkRead("k", merged(base, "k", 1, 2, 3, 4), o.readStart("k"))).isNull();
    assertThat(o.checkRead("k", merged(base, "k", 1, 2, 4), o.readStart("k"))).isNull();
    // A lost acknowledged operand, operands out of order, an operand twice, no base.
    long start = oracle.readStart("k");
    assertThat(oracle.checkRead("k", merged(base, "k", 1, 2), start).violation())
        .isEqualTo(Violation.STALE_READ);
    assertThat(oracle.checkRead("k", merged(base, "k", 1, 4, 2), start).violation())
        .isEqualTo(Violation.PHANTOM_VALUE);
    assertThat(oracle.checkRead("k", merged(base, "k", 1, 2, 2, 4), start).violation())
        .isEqualTo(Violation.PHANTOM_VALUE);
    assertThat(oracle.checkRead("k", merged(null, "k", 1, 2, 4), start).violation())
        .isEqualTo(Violation.STALE_READ);
    // A bare operand is not a value; the plain base is stale once operands were acknowledged.
    assertThat(oracle.checkRead("k", value(1, 2, "k"), start).violation())
        .isEqualTo(Violation.PHANTOM_VALUE);
    assertThat(oracle.checkRead("k", base, start).violation()).isEqualTo(Violation.STALE_READ);
    assertThat(verify(Map.of("k", merged(base, "k", 1, 2, 4)))).isEmpty();
  }

  @Test
  void operandsAfterADeleteFoldOverNothingAndAnAcknowledgedDeleteEndsTheChain() {
    put(1, "k", 1, Outcome.DURABLE);
    Write d = oracle.beginDelete(1, "k");
    oracle.end(List.of(d), Outcome.DURABLE);
    merge(1, "k", 2, Outcome.DURABLE);
    assertThat(verify(Map.of("k", merged(null, "k", 1, 2)))).isEmpty();
    Write d2 = oracle.beginDelete(1, "k");
    oracle.end(List.of(d2), Outcome.DURABLE);
    // The chain from before the second delete is a resurrection; absence is right.
    long start = oracle.readStart("k");
    assertThat(oracle.checkRead("k", merged(null, "k", 1, 2), start).violation())
        .isEqualTo(Violation.STALE_READ);
    assertThat(oracle.checkRead("k", null, start)).isNull();
    assertThat(verify(Map.of("k", merged(null, "k", 1, 2))))
        .containsExactly(Violation.RESURRECTED_DELETE);
  }

  @Test
  void anOperandInFlightWhenTheReadBeganMayBeMissing() {
    put(1, "k", 1, Outcome.DURABLE);
    Write m = oracle.beginMerge(1, "k", "1:2");
    long start = oracle.readStart("k");
    oracle.end(List.of(m), Outcome.DURABLE); // acknowledged after the read began
    assertThat(oracle.checkRead("k", value(1, 1, "k"), start)).isNull();
    assertThat(oracle.checkRead("k", merged(value(1, 1, "k"), "k", 1, 2), start)).isNull();
    assertThat(oracle.checkRead("k", value(1, 1, "k"), oracle.readStart("k")).violation())
        .isEqualTo(Violation.STALE_READ);
  }

  @Test
  void lastAckedOrLaterInFlightIsAcceptedOlderIsLost() {
    put(1, "k", 1, Outcome.DURABLE);
    put(1, "k", 2, Outcome.DURABLE);
    put(1, "k", 3, Outcome.FAILED);
    assertThat(verify(Map.of("k", value(1, 3, "k")))).isEmpty();
    put(1, "k", 4, Outcome.DURABLE);
    Write open = oracle.beginPut(1, "k", "1:5");
    oracle.crashed(1);
    assertThat(open.ret).isNotEqualTo(ExpectedState.OPEN);
    assertThat(verify(Map.of("k", value(1, 4, "k")))).isEmpty();
  }

  @Test
  void olderValueOrAbsenceIsALostWrite() {
    put(1, "k", 1, Outcome.DURABLE);
    put(1, "k", 2, Outcome.DURABLE);
    assertThat(verify(Map.of("k", value(1, 1, "k")))).containsExactly(Violation.LOST_ACKED_WRITE);
    assertThat(verify(Map.of())).containsExactly(Violation.LOST_ACKED_WRITE);
  }

  @Test
  void acceptedWritesArePromisedByALaterDurableWrite() {
    put(1, "a", 1, Outcome.ACCEPTED);
    assertThat(verify(new HashMap<>())).as("not promised yet").isEmpty();
    ExpectedState oracle2 = new ExpectedState();
    Write a = oracle2.beginPut(1, "a", "1:1");
    oracle2.end(List.of(a), Outcome.ACCEPTED);
    Write b = oracle2.beginPut(1, "b", "1:2");
    oracle2.end(List.of(b), Outcome.DURABLE);
    oracle2.durableBefore(1, b.invoke);
    assertThat(oracle2.verify(Map.of("b", value(1, 2, "b"))))
        .extracting(ExpectedState.Finding::violation)
        .containsExactly(Violation.LOST_ACKED_WRITE);
  }

  @Test
  void resurrectedDeleteAndPhantomAreCaught() {
    put(1, "k", 1, Outcome.DURABLE);
    Write d = oracle.beginDelete(1, "k");
    oracle.end(List.of(d), Outcome.DURABLE);
    assertThat(verify(Map.of("k", value(1, 1, "k")))).containsExactly(Violation.RESURRECTED_DELETE);
    assertThat(verify(Map.of("k", value(7, 7, "k")))).containsExactly(Violation.PHANTOM_VALUE);
    byte[] damaged = value(1, 1, "k");
    damaged[0] ^= 1;
    assertThat(verify(Map.of("k", damaged))).containsExactly(Violation.PHANTOM_VALUE);
    assertThat(verify(Map.of("k", value(1, 1, "other")))).contains(Violation.PHANTOM_VALUE);
    assertThat(verify(Map.of())).isEmpty();
  }

  @Test
  void readsOlderThanAnAcknowledgementBeforeThemAreStale() {
    put(1, "k", 1, Outcome.DURABLE);
    long before = oracle.readStart("k");
    put(1, "k", 2, Outcome.DURABLE);
    assertThat(oracle.checkRead("k", value(1, 1, "k"), before)).isNull();
    long after = oracle.readStart("k");
    assertThat(oracle.checkRead("k", value(1, 1, "k"), after).violation())
        .isEqualTo(Violation.STALE_READ);
    assertThat(oracle.checkRead("k", value(1, 2, "k"), after)).isNull();
  }

  @Test
  void valuesRoundTripAndDamageIsDetected() {
    byte[] v = UniqueValues.encode(3, 42, "k0001", 10);
    assertThat(UniqueValues.decode(v)).isEqualTo(new UniqueValues.Token(3, 42, "k0001"));
    assertThat(UniqueValues.decode(java.util.Arrays.copyOf(v, v.length - 1))).isNull();
    v[v.length - 1] = 0;
    assertThat(UniqueValues.decode(v)).isNull();
  }

  @Test
  void aHeldIteratorShowsTheStateWhenItOpenedAndNothingBegunLater() {
    put(1, "k", 1, Outcome.DURABLE);
    put(1, "k", 2, Outcome.DURABLE);
    long threshold = oracle.readStart("k");
    long openedAt = oracle.tick();
    put(1, "k", 3, Outcome.DURABLE);
    assertThat(oracle.checkHeld("k", value(1, 2, "k"), threshold, openedAt)).isNull();
    assertThat(oracle.checkHeld("k", value(1, 3, "k"), threshold, openedAt).violation())
        .as("a write begun after the iterator opened")
        .isEqualTo(Violation.LATER_WRITE_SEEN);
    assertThat(oracle.checkHeld("k", value(1, 1, "k"), threshold, openedAt).violation())
        .isEqualTo(Violation.STALE_READ);
    Write d = oracle.beginDelete(1, "k");
    oracle.end(List.of(d), Outcome.DURABLE);
    assertThat(oracle.checkHeld("k", null, threshold, openedAt).violation())
        .as("absent only by a delete begun after it opened")
        .isEqualTo(Violation.LATER_WRITE_SEEN);
    assertThat(oracle.checkHeld("k", null, threshold, oracle.tick())).isNull();
  }

  @Test
  void aDurableOnlyReadPromisesWhatItReturnedAndWhatItsProcessAcceptedBefore() {
    put(1, "a", 1, Outcome.ACCEPTED);
    put(1, "k", 2, Outcome.ACCEPTED);
    long threshold = oracle.readStart("k");
    assertThat(oracle.checkDurableRead(1, "k", value(1, 2, "k"), threshold)).isNull();
    assertThat(verify(Map.of("k", value(1, 2, "k"))))
        .as("accepted before the write the read showed: promised by the WAL's prefix")
        .containsExactly(Violation.NOT_DURABLE);
    put(2, "k", 3, Outcome.DURABLE);
    assertThat(oracle.checkDurableRead(2, "k", value(1, 2, "k"), oracle.readStart("k")).violation())
        .as("older than an acknowledged write")
        .isEqualTo(Violation.STALE_READ);
    assertThat(verify(Map.of("k", value(2, 3, "k"), "a", value(1, 1, "a")))).isEmpty();
  }

  @Test
  void aLaterDurableOnlyReadMayNotGoBack() {
    put(1, "k", 1, Outcome.ACCEPTED);
    put(1, "k", 2, Outcome.ACCEPTED);
    assertThat(oracle.checkDurableRead(1, "k", value(1, 2, "k"), oracle.readStart("k"))).isNull();
    assertThat(oracle.checkDurableRead(1, "k", value(1, 1, "k"), oracle.readStart("k")).violation())
        .isEqualTo(Violation.STALE_READ);
    assertThat(oracle.checkDurableRead(1, "k", value(1, 2, "k"), oracle.readStart("k"))).isNull();
  }

  // Times to live, by an injected clock: the shared time, which the test moves.
  private final AtomicLong now = new AtomicLong(1_000);
  private final ExpectedState timed = new ExpectedState(now::get, 100_000);

  private Write timedPut(String key, long n, long ttl, long skew) {
    Write w = timed.beginPut(1, key, "1:" + n, ttl, skew);
    timed.end(List.of(w), Outcome.DURABLE);
    return w;
  }

  private Write timedMerge(String key, long n, long ttl) {
    Write w = timed.beginMerge(1, key, "1:" + n, ttl, 0);
    timed.end(List.of(w), Outcome.DURABLE);
    return w;
  }

  private Violation timedRead(String key, byte[] value, long readerSkew) {
    ExpectedState.Finding f = timed.checkRead(key, value, timed.readStart(key), readerSkew);
    return f == null ? null : f.violation();
  }

  @Test
  void anExpiredPutReadsAsADeleteAtItsPlace() {
    timedPut("k", 1, 0, 0);
    timedPut("k", 2, 100, 0); // expires at 1,100
    now.set(1_099);
    assertThat(timedRead("k", value(1, 2, "k"), 0)).isNull();
    assertThat(timedRead("k", null, 0)).isEqualTo(Violation.STALE_READ);
    now.set(1_100); // expired at or before now: a delete
    assertThat(timedRead("k", null, 0)).as("fails if the oracle ignores expiry").isNull();
    assertThat(timedRead("k", value(1, 2, "k"), 0)).isEqualTo(Violation.EXPIRED_VALUE);
    assertThat(timedRead("k", value(1, 1, "k"), 0))
        .as("an older value never shows through an expired one")
        .isEqualTo(Violation.STALE_READ);
    assertThat(timed.verify(Map.of("k", value(1, 2, "k")), timed.tick(), 0))
        .extracting(ExpectedState.Finding::violation)
        .containsExactly(Violation.EXPIRED_VALUE);
    assertThat(timed.verify(Map.of(), timed.tick(), 0)).isEmpty();
    assertThat(timed.expiredReads()).isEqualTo(2); // the read of absence and the verification
  }

  @Test
  void eachReaderDecidesByItsOwnSkewedClock() {
    timedPut("k", 1, 100, 500); // a writer 500 ms ahead: expires at 1,600 of the shared time
    now.set(1_500);
    assertThat(timedRead("k", value(1, 1, "k"), 0)).isNull();
    assertThat(timedRead("k", null, 0)).isEqualTo(Violation.STALE_READ);
    assertThat(timedRead("k", null, 100)).as("a reader 100 ms ahead: now 1,600").isNull();
    assertThat(timedRead("k", value(1, 1, "k"), 100)).isEqualTo(Violation.EXPIRED_VALUE);
    now.set(2_000);
    assertThat(timedRead("k", value(1, 1, "k"), -500)).as("a reader 500 ms behind").isNull();
    assertThat(timedRead("k", value(1, 1, "k"), -400)).isEqualTo(Violation.EXPIRED_VALUE);
  }

  @Test
  void aClockReadingNobodyKnowsIsAmbiguousAndBothOutcomesPass() {
    Write w = timed.beginPut(1, "k", "1:1", 100, 0);
    now.addAndGet(50); // another thread moved the time while the put was in its call
    timed.end(List.of(w), Outcome.DURABLE);
    now.set(1_120); // the expiry is somewhere in [1,100, 1,150]
    assertThat(timedRead("k", value(1, 1, "k"), 0)).isNull();
    assertThat(timedRead("k", null, 0)).isNull();
    assertThat(timed.ambiguousExpiryReads()).isEqualTo(2);
    now.set(1_150);
    assertThat(timedRead("k", value(1, 1, "k"), 0)).isEqualTo(Violation.EXPIRED_VALUE);
    // A read whose own now is unknown: begun before the expiry, checked after it.
    now.set(1_099);
    Write later = timed.beginPut(1, "j", "1:2", 1, 0); // expires at 1,100
    timed.end(List.of(later), Outcome.DURABLE);
    long readStart = timed.readStart("j");
    now.set(1_200);
    assertThat(timed.checkRead("j", value(1, 2, "j"), readStart, 0)).isNull();
    assertThat(timed.checkRead("j", null, readStart, 0)).isNull();
  }

  @Test
  void anExpiredOperandEndsTheChainAndOnlyNewerOperandsFoldOverNothing() {
    timedPut("k", 1, 0, 0);
    timedMerge("k", 2, 100); // expires at 1,100
    timedMerge("k", 3, 0);
    byte[] base = value(1, 1, "k");
    assertThat(timedRead("k", merged(base, "k", 1, 2, 3), 0)).isNull();
    now.set(1_100);
    assertThat(timedRead("k", merged(null, "k", 1, 3), 0)).isNull();
    assertThat(timedRead("k", merged(base, "k", 1, 2, 3), 0)).isEqualTo(Violation.EXPIRED_VALUE);
    assertThat(timedRead("k", merged(base, "k", 1, 3), 0))
        .as("the base does not show through the expired operand")
        .isEqualTo(Violation.STALE_READ);
    assertThat(timedRead("k", null, 0)).isEqualTo(Violation.STALE_READ);
  }

  @Test
  void anExpiredBaseLeavesItsOperandsOverNothing() {
    timedPut("k", 1, 100, 0);
    timedMerge("k", 2, 0);
    assertThat(timedRead("k", merged(null, "k", 1, 2), 0)).isEqualTo(Violation.STALE_READ);
    now.set(1_100);
    assertThat(timedRead("k", merged(null, "k", 1, 2), 0)).isNull();
    assertThat(timedRead("k", merged(value(1, 1, "k"), "k", 1, 2), 0))
        .isEqualTo(Violation.EXPIRED_VALUE);
  }

  @Test
  void aVerifiedValueKeepsItsExpiryAfterTheRebase() {
    timedPut("k", 1, 0, 0);
    timedPut("k", 2, 100, 0);
    assertThat(timed.verify(Map.of("k", value(1, 2, "k")), timed.tick(), 0)).isEmpty();
    now.set(1_100);
    assertThat(timedRead("k", null, 0)).isNull();
    assertThat(timedRead("k", value(1, 2, "k"), 0)).isEqualTo(Violation.EXPIRED_VALUE);
  }

  @Test
  void absenceByExpiryAtAVerificationDoesNotHideTheValueFromALaterReaderThatLags() {
    timedPut("k", 1, 100, 0);
    now.set(1_100);
    assertThat(timed.verify(Map.of(), timed.tick(), 0)).isEmpty();
    assertThat(timedRead("k", value(1, 1, "k"), -1)).as("its now is 1,099").isNull();
    assertThat(timedRead("k", value(1, 1, "k"), 0)).isEqualTo(Violation.EXPIRED_VALUE);
  }

  @Test
  void aVerifiedChainKeepsItsOrderSoAnExpiringBaseLeavesTheOperands() {
    timedPut("k", 1, 100, 0);
    timedMerge("k", 2, 0);
    byte[] base = value(1, 1, "k");
    assertThat(timed.verify(Map.of("k", merged(base, "k", 1, 2)), timed.tick(), 0)).isEmpty();
    now.set(1_100);
    assertThat(timedRead("k", merged(null, "k", 1, 2), 0)).isNull();
    assertThat(timedRead("k", merged(base, "k", 1, 2), 0)).isEqualTo(Violation.EXPIRED_VALUE);
  }

  @Test
  void aHeldIteratorMayMissAValueThatExpiredBeforeItIsChecked() {
    timedPut("k", 1, 100, 0);
    long threshold = timed.readStart("k");
    long openedAt = timed.tick();
    now.set(1_100); // its now was fixed when it opened, some time in [1,000, 1,100]
    assertThat(timed.checkHeld("k", value(1, 1, "k"), threshold, openedAt, 0)).isNull();
    assertThat(timed.checkHeld("k", null, threshold, openedAt, 0)).isNull();
  }

  /**
   * Seeded single-threaded histories of one key (puts, merges and deletes, some with a TTL, by
   * writers with random skews, the time moving between calls), read by readers with random skews:
   * the oracle must accept exactly what a brute-force model of the engine's rule returns, and
   * reject what the same model without expiry returns where that differs.
   */
  @Test
  void seededHistoriesAcceptExactlyTheModelsValue() {
    int differing = 0;
    for (long seed = 1; seed <= 300; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      AtomicLong time = new AtomicLong(10_000);
      ExpectedState o = new ExpectedState(time::get, 100_000);
      List<long[]> model = new ArrayList<>(); // kind (0 put, 1 merge, 2 delete), n, expireAt
      for (int n = 1; n <= 30; n++) {
        time.addAndGet(r.nextInt(40));
        int kind = r.nextInt(10) < 4 ? 0 : r.nextInt(10) < 7 ? 1 : 2;
        long ttl = kind != 2 && r.nextInt(3) == 0 ? 1 + r.nextInt(200) : 0;
        long skew = r.nextInt(101) - 50;
        Write w =
            kind == 0
                ? o.beginPut(1, "k", "1:" + n, ttl, skew)
                : kind == 1 ? o.beginMerge(1, "k", "1:" + n, ttl, skew) : o.beginDelete(1, "k");
        o.end(List.of(w), Outcome.DURABLE);
        model.add(new long[] {kind, n, ttl == 0 ? Long.MAX_VALUE : time.get() + skew + ttl});
        long readerSkew = r.nextInt(101) - 50;
        long start = o.readStart("k");
        byte[] expected = fold(model, time.get() + readerSkew);
        assertThat(o.checkRead("k", expected, start, readerSkew))
            .as("seed %d write %d", seed, n)
            .isNull();
        byte[] ignoringExpiry = fold(model, Long.MIN_VALUE);
        if (!java.util.Arrays.equals(expected, ignoringExpiry)) {
          differing++;
          assertThat(o.checkRead("k", ignoringExpiry, start, readerSkew))
              .as("seed %d write %d, expiry ignored", seed, n)
              .isNotNull();
        }
      }
    }
    assertThat(differing).as("histories where expiry changed the value").isGreaterThan(100);
  }

  /** The engine's rule (ValueFold) over {@code model}, oldest first, for a reader at {@code at}. */
  private static byte[] fold(List<long[]> model, long at) {
    List<byte[]> operands = new ArrayList<>();
    byte[] base = null;
    for (int i = model.size() - 1; i >= 0; i--) {
      long[] v = model.get(i);
      boolean expired = v[2] <= at;
      if (v[0] == 1 && !expired) {
        operands.add(0, value(1, v[1], "k"));
        continue;
      }
      base = v[0] == 0 && !expired ? value(1, v[1], "k") : null;
      break;
    }
    return operands.isEmpty()
        ? base
        : ChaosMerge.OPERATOR.fullMerge("k".getBytes(), base, operands);
  }
}
