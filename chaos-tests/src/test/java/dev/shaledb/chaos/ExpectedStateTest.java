package dev.shaledb.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.chaos.ExpectedState.Outcome;
import dev.shaledb.chaos.ExpectedState.Violation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The oracle must catch each broken promise and accept every legal outcome. */
class ExpectedStateTest {
  private final ExpectedState oracle = new ExpectedState();

  private ExpectedState.Write put(int p, String key, long n, Outcome outcome) {
    ExpectedState.Write w = oracle.beginPut(p, key, p + ":" + n);
    oracle.end(List.of(w), outcome);
    return w;
  }

  private static byte[] value(int p, long n, String key) {
    return UniqueValues.encode(p, n, key, 3);
  }

  private List<Violation> verify(Map<String, byte[]> actual) {
    return oracle.verify(actual).stream().map(ExpectedState.Finding::violation).toList();
  }

  private ExpectedState.Write merge(int p, String key, long n, Outcome outcome) {
    ExpectedState.Write w = oracle.beginMerge(p, key, p + ":" + n);
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
    ExpectedState.Write d = oracle.beginDelete(1, "k");
    oracle.end(List.of(d), Outcome.DURABLE);
    merge(1, "k", 2, Outcome.DURABLE);
    assertThat(verify(Map.of("k", merged(null, "k", 1, 2)))).isEmpty();
    ExpectedState.Write d2 = oracle.beginDelete(1, "k");
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
    ExpectedState.Write m = oracle.beginMerge(1, "k", "1:2");
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
    ExpectedState.Write open = oracle.beginPut(1, "k", "1:5");
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
    ExpectedState.Write a = oracle2.beginPut(1, "a", "1:1");
    oracle2.end(List.of(a), Outcome.ACCEPTED);
    ExpectedState.Write b = oracle2.beginPut(1, "b", "1:2");
    oracle2.end(List.of(b), Outcome.DURABLE);
    oracle2.durableBefore(1, b.invoke);
    assertThat(oracle2.verify(Map.of("b", value(1, 2, "b"))))
        .extracting(ExpectedState.Finding::violation)
        .containsExactly(Violation.LOST_ACKED_WRITE);
  }

  @Test
  void resurrectedDeleteAndPhantomAreCaught() {
    put(1, "k", 1, Outcome.DURABLE);
    ExpectedState.Write d = oracle.beginDelete(1, "k");
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
    ExpectedState.Write d = oracle.beginDelete(1, "k");
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
}
