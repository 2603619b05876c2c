package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Which faults a {@link FaultInjectingObjectStore} injects and how often. Rates are independent
 * per-request probabilities in [0, 1]. The record's {@code toString()} prints every component
 * exactly (doubles round-trip), which with the store's seed is all a replay needs.
 *
 * @param errorRate a request fails with a retryable 500, 503 SlowDown or 429 (one third each); a
 *     500 on a put or delete is applied first half of the time, as S3 allows
 * @param putBurstRate a PUT starts a burst: it and the next {@code putBurstLength - 1} PUTs fail
 *     with 503 SlowDown. A burst is counted in PUT requests, not wall time, so it replays exactly;
 *     other requests pass through it unaffected
 * @param putBurstLength PUTs per burst; at least 1 when bursts are enabled
 * @param timeoutBeforeApplyRate a request times out before reaching the store: not applied, but
 *     reported with {@link dev.shaledb.error.OutcomeUnknownException}
 * @param timeoutAfterApplyRate a request is applied, then reported with {@link
 *     dev.shaledb.error.OutcomeUnknownException}: the ambiguous case
 * @param phantomConflictRate an {@code ifAbsent} put is applied and then answered with {@link
 *     dev.shaledb.objectstore.PreconditionFailedException}, as when an SDK's internal retry finds
 *     our own write. This breaks the {@link dev.shaledb.objectstore.ObjectStore} contract (412
 *     means nothing was written) the way a store without write-id resolution would; callers that
 *     resolve a 412 by reading back (the WAL does) survive it, a stack that trusts the 412 does not
 * @param corruptReadRate a get returns damaged bytes (the stored object is never touched)
 * @param latency added to every request when the store has a scheduler
 * @param latencyJitter a uniform extra delay in [0, jitter] on top of {@code latency}
 */
public record FaultPlan(
    double errorRate,
    double putBurstRate,
    int putBurstLength,
    double timeoutBeforeApplyRate,
    double timeoutAfterApplyRate,
    double phantomConflictRate,
    double corruptReadRate,
    Duration latency,
    Duration latencyJitter) {

  public FaultPlan {
    checkRate("errorRate", errorRate);
    checkRate("putBurstRate", putBurstRate);
    checkRate("timeoutBeforeApplyRate", timeoutBeforeApplyRate);
    checkRate("timeoutAfterApplyRate", timeoutAfterApplyRate);
    checkRate("phantomConflictRate", phantomConflictRate);
    checkRate("corruptReadRate", corruptReadRate);
    if (putBurstLength < 0 || (putBurstRate > 0 && putBurstLength == 0)) {
      throw new IllegalArgumentException(
          "putBurstLength " + putBurstLength + " with putBurstRate " + putBurstRate);
    }
    requireNonNull(latency, "latency is null");
    requireNonNull(latencyJitter, "latencyJitter is null");
    if (latency.isNegative() || latencyJitter.isNegative()) {
      throw new IllegalArgumentException("negative latency " + latency + " or " + latencyJitter);
    }
  }

  private static void checkRate(String name, double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(name + " is not in [0, 1]: " + rate);
    }
  }

  /** No faults at all: the baseline run. */
  public static FaultPlan none() {
    return new FaultPlan(0, 0, 0, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO);
  }

  /**
   * A plan drawn from {@code seed}: each fault class is enabled independently, with a rate from a
   * realistic-to-harsh range, so that a series of seeds mixes them. At least one class is enabled.
   * The same seed always gives the same plan.
   */
  public static FaultPlan random(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    boolean bursts = r.nextDouble() < 0.4;
    boolean slow = r.nextDouble() < 0.3;
    double errors = enabled(r, 0.6, 0.01, 0.20);
    FaultPlan plan =
        new FaultPlan(
            errors,
            bursts ? between(r, 0.002, 0.02) : 0,
            bursts ? r.nextInt(2, 16) : 0,
            enabled(r, 0.5, 0.005, 0.05),
            enabled(r, 0.5, 0.005, 0.05),
            enabled(r, 0.3, 0.01, 0.05),
            enabled(r, 0.3, 0.001, 0.02),
            slow ? Duration.ofMillis(r.nextInt(1, 6)) : Duration.ZERO,
            slow ? Duration.ofMillis(r.nextInt(0, 11)) : Duration.ZERO);
    return plan.equals(none().withLatency(plan.latency, plan.latencyJitter))
        ? plan.withErrors(between(r, 0.01, 0.20))
        : plan;
  }

  private static double enabled(SplittableRandom r, double chance, double min, double max) {
    return r.nextDouble() < chance ? between(r, min, max) : 0;
  }

  private static double between(SplittableRandom r, double min, double max) {
    return min + (max - min) * r.nextDouble();
  }

  public FaultPlan withErrors(double rate) {
    return new FaultPlan(
        rate,
        putBurstRate,
        putBurstLength,
        timeoutBeforeApplyRate,
        timeoutAfterApplyRate,
        phantomConflictRate,
        corruptReadRate,
        latency,
        latencyJitter);
  }

  public FaultPlan withPutBursts(double rate, int length) {
    return new FaultPlan(
        errorRate,
        rate,
        length,
        timeoutBeforeApplyRate,
        timeoutAfterApplyRate,
        phantomConflictRate,
        corruptReadRate,
        latency,
        latencyJitter);
  }

  public FaultPlan withTimeouts(double beforeApplyRate, double afterApplyRate) {
    return new FaultPlan(
        errorRate,
        putBurstRate,
        putBurstLength,
        beforeApplyRate,
        afterApplyRate,
        phantomConflictRate,
        corruptReadRate,
        latency,
        latencyJitter);
  }

  public FaultPlan withPhantomConflicts(double rate) {
    return new FaultPlan(
        errorRate,
        putBurstRate,
        putBurstLength,
        timeoutBeforeApplyRate,
        timeoutAfterApplyRate,
        rate,
        corruptReadRate,
        latency,
        latencyJitter);
  }

  public FaultPlan withCorruptReads(double rate) {
    return new FaultPlan(
        errorRate,
        putBurstRate,
        putBurstLength,
        timeoutBeforeApplyRate,
        timeoutAfterApplyRate,
        phantomConflictRate,
        rate,
        latency,
        latencyJitter);
  }

  public FaultPlan withLatency(Duration latency, Duration jitter) {
    return new FaultPlan(
        errorRate,
        putBurstRate,
        putBurstLength,
        timeoutBeforeApplyRate,
        timeoutAfterApplyRate,
        phantomConflictRate,
        corruptReadRate,
        latency,
        jitter);
  }
}
