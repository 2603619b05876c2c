package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of a {@link MeteredObjectStore}'s counters.
 *
 * <p>Part of ShaleDB's public API (through {@code DbStats.objectStore}), as is the whole {@code
 * dev.shaledb.objectstore} package: stores are what a user opens a database on.
 *
 * @param byType requests, failures and latency per request type (every type present)
 * @param bytesUploaded payload bytes of successful puts
 * @param bytesDownloaded payload bytes returned by successful gets
 */
public record ObjectStoreMetrics(
    Map<RequestType, TypeMetrics> byType, long bytesUploaded, long bytesDownloaded) {

  /**
   * Counters of one request type; latencies in nanoseconds.
   *
   * @param requests completed requests, failed ones and answers of the next two included
   * @param failures requests that failed (errors, refusals, unknown outcomes), not counting the
   *     next two
   * @param notFound requests answered "no such key" ({@link ObjectNotFoundException}): how a
   *     database finds its latest manifest and the end of its WAL, so expected, not failures
   * @param conditionFailed conditional puts whose condition was false ({@link
   *     PreconditionFailedException}): how the protocol settles races (a publish that lost to a
   *     newer manifest version is redone on it), so expected, not failures
   */
  public record TypeMetrics(
      long requests,
      long failures,
      long notFound,
      long conditionFailed,
      long p50Nanos,
      long p99Nanos,
      long p999Nanos) {}

  public ObjectStoreMetrics {
    requireNonNull(byType, "byType is null");
    Map<RequestType, TypeMetrics> complete = new EnumMap<>(RequestType.class);
    for (RequestType type : RequestType.values()) {
      complete.put(type, byType.getOrDefault(type, new TypeMetrics(0, 0, 0, 0, 0, 0, 0)));
    }
    byType = Map.copyOf(complete);
  }

  public long requests(RequestType type) {
    return byType.get(type).requests();
  }

  public long totalRequests() {
    return byType.values().stream().mapToLong(TypeMetrics::requests).sum();
  }

  /** Failed requests of every type; not-found answers and lost conditions are not failures. */
  public long totalFailures() {
    return byType.values().stream().mapToLong(TypeMetrics::failures).sum();
  }

  /** Conditional puts whose condition was false. */
  public long totalConditionFailed() {
    return byType.values().stream().mapToLong(TypeMetrics::conditionFailed).sum();
  }

  /** Requests of every type answered "no such key". */
  public long totalNotFound() {
    return byType.values().stream().mapToLong(TypeMetrics::notFound).sum();
  }

  /** The request cost in US dollars at {@code pricing}. */
  public double costUsd(RequestPricing pricing) {
    double total = 0;
    for (RequestType type : RequestType.values()) {
      total += pricing.cost(type, requests(type));
    }
    return total;
  }

  /**
   * What happened between {@code earlier} and this snapshot (latency percentiles are this one's).
   */
  public ObjectStoreMetrics minus(ObjectStoreMetrics earlier) {
    Map<RequestType, TypeMetrics> delta = new EnumMap<>(RequestType.class);
    for (RequestType type : RequestType.values()) {
      TypeMetrics now = byType.get(type);
      TypeMetrics then = earlier.byType.get(type);
      delta.put(
          type,
          new TypeMetrics(
              now.requests() - then.requests(),
              now.failures() - then.failures(),
              now.notFound() - then.notFound(),
              now.conditionFailed() - then.conditionFailed(),
              now.p50Nanos(),
              now.p99Nanos(),
              now.p999Nanos()));
    }
    return new ObjectStoreMetrics(
        delta, bytesUploaded - earlier.bytesUploaded, bytesDownloaded - earlier.bytesDownloaded);
  }
}
