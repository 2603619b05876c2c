package dev.shaledb.micrometer;

import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.objectstore.RequestPricing;
import dev.shaledb.objectstore.RequestType;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Registers meters that read one statistics record {@code S} through a shared {@link
 * StatsSnapshot}: counters for what only grows, gauges for what goes up and down, time gauges for
 * latencies, all with the binder's common tags. Names follow Micrometer's conventions (lowercase,
 * dot-separated, base units: bytes, seconds); a registry renders them in its own style.
 *
 * @param <S> the statistics record
 */
final class Meters<S> {
  private final MeterRegistry registry;
  private final StatsSnapshot<S> stats;
  private final Tags common;

  Meters(MeterRegistry registry, StatsSnapshot<S> stats, Tags common) {
    this.registry = registry;
    this.stats = stats;
    this.common = common;
  }

  /** A monotonic count; 0 until a snapshot exists. */
  void counter(String name, String description, String unit, ToDoubleFunction<S> f, Tag... tags) {
    FunctionCounter.builder(name, stats, s -> read(s, f, 0))
        .description(description)
        .baseUnit(unit)
        .tags(common.and(tags))
        .register(registry);
  }

  /** A value that goes up and down; NaN until a snapshot exists. */
  void gauge(String name, String description, String unit, ToDoubleFunction<S> f, Tag... tags) {
    Gauge.builder(name, stats, s -> read(s, f, Double.NaN))
        .description(description)
        .baseUnit(unit)
        .tags(common.and(tags))
        .strongReference(true)
        .register(registry);
  }

  /** A duration the record holds in {@code unit}. */
  void time(String name, String description, TimeUnit unit, ToDoubleFunction<S> f, Tag... tags) {
    TimeGauge.builder(name, stats, unit, s -> read(s, f, Double.NaN))
        .description(description)
        .tags(common.and(tags))
        .strongReference(true)
        .register(registry);
  }

  /**
   * The object-store meters: requests, failures and latency quantiles by request type, bytes each
   * way, and what the requests would cost on S3 Standard and S3 Express One Zone.
   */
  void objectStore(Function<S, ObjectStoreMetrics> metrics) {
    for (RequestType type : RequestType.values()) {
      Tag t = Tag.of("type", type.name().toLowerCase(Locale.ROOT));
      counter(
          "shaledb.store.requests",
          "object-store requests completed, failed ones included",
          BaseUnits.OPERATIONS,
          s -> metrics.apply(s).byType().get(type).requests(),
          t);
      counter(
          "shaledb.store.request.failures",
          "object-store requests that failed (not-found answers are not failures)",
          BaseUnits.OPERATIONS,
          s -> metrics.apply(s).byType().get(type).failures(),
          t);
      counter(
          "shaledb.store.request.not.found",
          "object-store requests answered 'no such key', as finding the latest manifest expects",
          BaseUnits.OPERATIONS,
          s -> metrics.apply(s).byType().get(type).notFound(),
          t);
      counter(
          "shaledb.store.request.condition.failed",
          "conditional puts whose condition was false, as settling races expects",
          BaseUnits.OPERATIONS,
          s -> metrics.apply(s).byType().get(type).conditionFailed(),
          t);
      quantiles(
          "shaledb.store.latency",
          "object-store request latency",
          s -> metrics.apply(s).byType().get(type),
          m -> new long[] {m.p50Nanos(), m.p99Nanos(), m.p999Nanos()},
          TimeUnit.NANOSECONDS,
          t);
    }
    counter(
        "shaledb.store.bytes",
        "bytes sent to the object store",
        BaseUnits.BYTES,
        s -> metrics.apply(s).bytesUploaded(),
        Tag.of("direction", "uploaded"));
    counter(
        "shaledb.store.bytes",
        "bytes received from the object store",
        BaseUnits.BYTES,
        s -> metrics.apply(s).bytesDownloaded(),
        Tag.of("direction", "downloaded"));
    for (RequestPricing pricing :
        new RequestPricing[] {RequestPricing.s3Standard(), RequestPricing.s3ExpressOneZone()}) {
      counter(
          "shaledb.store.cost",
          "what the requests so far cost at the pricing's request prices (storage not included)",
          "usd",
          s -> metrics.apply(s).costUsd(pricing),
          Tag.of("pricing", pricing.name().toLowerCase(Locale.ROOT).replace(' ', '-')));
    }
  }

  /** Block and disk cache hits, misses and size. */
  void caches(
      ToDoubleFunction<S> blockHits,
      ToDoubleFunction<S> blockMisses,
      ToDoubleFunction<S> blockBytes,
      ToDoubleFunction<S> diskHits,
      ToDoubleFunction<S> diskMisses,
      ToDoubleFunction<S> diskBytes,
      ToDoubleFunction<S> diskDamaged) {
    Tag block = Tag.of("cache", "block");
    Tag disk = Tag.of("cache", "disk");
    String lookups = "cache lookups of data blocks";
    counter("shaledb.cache.requests", lookups, null, blockHits, block, Tag.of("result", "hit"));
    counter("shaledb.cache.requests", lookups, null, blockMisses, block, Tag.of("result", "miss"));
    counter("shaledb.cache.requests", lookups, null, diskHits, disk, Tag.of("result", "hit"));
    counter("shaledb.cache.requests", lookups, null, diskMisses, disk, Tag.of("result", "miss"));
    gauge("shaledb.cache.size", "bytes the cache holds", BaseUnits.BYTES, blockBytes, block);
    gauge("shaledb.cache.size", "bytes the cache holds", BaseUnits.BYTES, diskBytes, disk);
    counter(
        "shaledb.cache.damaged",
        "disk cache entries found damaged, truncated, misplaced or gone (read from the store)",
        null,
        diskDamaged,
        disk);
  }

  /** Three time gauges, tagged quantile 0.5, 0.99 and 0.999, from one record part. */
  <P> void quantiles(
      String name,
      String description,
      Function<S, P> part,
      Function<P, long[]> values,
      TimeUnit unit,
      Tag... tags) {
    String[] q = {"0.5", "0.99", "0.999"};
    for (int i = 0; i < q.length; i++) {
      int at = i;
      Tag[] all = java.util.Arrays.copyOf(tags, tags.length + 1);
      all[tags.length] = Tag.of("quantile", q[i]);
      time(name, description, unit, s -> values.apply(part.apply(s))[at], all);
    }
  }

  private static <S> double read(StatsSnapshot<S> stats, ToDoubleFunction<S> f, double none) {
    S s = stats.get();
    return s == null ? none : f.applyAsDouble(s);
  }
}
