package dev.shaledb.bench;

import static java.util.Objects.requireNonNull;

import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.objectstore.RequestPricing;
import dev.shaledb.objectstore.RequestType;

/**
 * One phase of a driver run: what it did, how long each call took, and what it asked of the object
 * store (the requests of the phase only).
 *
 * @param name the phase, e.g. {@code durable c=8}
 * @param threads client threads
 * @param ops calls made (writes, reads, or 1 for an open)
 * @param writes how many of the calls wrote (for costs per write)
 * @param nanos wall time of the phase
 * @param p50Nanos median call latency
 * @param p99Nanos 99th percentile call latency
 * @param p999Nanos 99.9th percentile call latency
 * @param store the phase's object-store requests and bytes
 * @param note extra facts worth printing, or ""
 */
record PhaseResult(
    String name,
    int threads,
    long ops,
    long writes,
    long nanos,
    long p50Nanos,
    long p99Nanos,
    long p999Nanos,
    ObjectStoreMetrics store,
    String note) {
  /** Thirty days, the month of cloud bills. */
  static final double SECONDS_PER_MONTH = 30 * 24 * 3600.0;

  PhaseResult {
    requireNonNull(name, "name is null");
    requireNonNull(store, "store is null");
    requireNonNull(note, "note is null");
  }

  static PhaseResult of(
      String name,
      int threads,
      LoadRunner.Outcome outcome,
      boolean writing,
      ObjectStoreMetrics store,
      String note) {
    return new PhaseResult(
        name,
        threads,
        outcome.ops(),
        writing ? outcome.ops() : 0,
        outcome.nanos(),
        outcome.latency().quantileNanos(0.5),
        outcome.latency().quantileNanos(0.99),
        outcome.latency().quantileNanos(0.999),
        store,
        note);
  }

  double seconds() {
    return nanos / 1e9;
  }

  double opsPerSecond() {
    return nanos == 0 ? 0 : ops / seconds();
  }

  long requests(RequestType type) {
    return store.requests(type);
  }

  double requestsPerSecond() {
    return nanos == 0 ? 0 : store.totalRequests() / seconds();
  }

  /** Requests of {@code type} per call (GETs per read, PUTs per write). */
  double perOp(RequestType type) {
    return ops == 0 ? 0 : (double) requests(type) / ops;
  }

  /** The phase's request cost per million writes, or NaN if it wrote nothing. */
  double costPerMillionWrites(RequestPricing pricing) {
    return writes == 0 ? Double.NaN : store.costUsd(pricing) / writes * 1e6;
  }

  /** The request cost of running this phase for a month at the rate it ran. */
  double costPerMonth(RequestPricing pricing) {
    return nanos == 0 ? 0 : store.costUsd(pricing) / seconds() * SECONDS_PER_MONTH;
  }
}
