package dev.shaledb.micrometer;

import static java.util.Objects.requireNonNull;

import dev.shaledb.Db;
import dev.shaledb.DbReader;
import dev.shaledb.DbReaderStats;
import dev.shaledb.DbStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Binds a {@link Db}'s {@link DbStats} or a {@link DbReader}'s {@link DbReaderStats}, object-store
 * requests, bytes, latencies and request cost included, to a Micrometer {@link MeterRegistry}:
 *
 * <pre>{@code
 * ShaleDbMetrics.of(db, "orders").bindTo(registry);
 * }</pre>
 *
 * <p>Every meter carries the tag {@code db} (the name given) and the extra tags. Meters read the
 * statistics when the registry asks, through one snapshot shared for up to a second so a publish
 * costs one {@code stats()} call; after the database or reader is closed they keep their last
 * values. Names and tags are listed in docs/operations.md ("Metrics"). Binding twice to one
 * registry registers nothing new (Micrometer keeps the first meter of a name and tags).
 */
public final class ShaleDbMetrics implements MeterBinder {
  private static final long SNAPSHOT_NANOS = Duration.ofSeconds(1).toNanos();

  private final Consumer<MeterRegistry> binder;

  private ShaleDbMetrics(Consumer<MeterRegistry> binder) {
    this.binder = binder;
  }

  /** The meters of {@code db}, tagged {@code db=name} and with {@code tags}. */
  public static ShaleDbMetrics of(Db db, String name, Tag... tags) {
    requireNonNull(db, "db is null");
    Tags common = common(name, tags);
    return new ShaleDbMetrics(
        registry -> DbMeters.register(snapshot(db::stats, System::nanoTime), registry, common));
  }

  /**
   * The meters of {@code reader}, tagged {@code db=name} and with {@code tags}; the reader's clock
   * is the system clock (the default {@code DbReaderOptions.clock}).
   */
  public static ShaleDbMetrics of(DbReader reader, String name, Tag... tags) {
    return of(reader, Clock.systemUTC(), name, tags);
  }

  /**
   * As {@link #of(DbReader, String, Tag...)} for a reader opened with {@code
   * DbReaderOptions.clock(readerClock)}: the age of its last refresh is measured by that clock.
   */
  public static ShaleDbMetrics of(DbReader reader, Clock readerClock, String name, Tag... tags) {
    return ofReader(reader, readerClock, System::nanoTime, name, tags);
  }

  /** As {@link #of(DbReader, Clock, String, Tag...)}, with the snapshot's timer injected. */
  static ShaleDbMetrics ofReader(
      DbReader reader, Clock readerClock, LongSupplier nanoTime, String name, Tag... tags) {
    requireNonNull(reader, "reader is null");
    requireNonNull(readerClock, "readerClock is null");
    Tags common = common(name, tags);
    return new ShaleDbMetrics(
        registry ->
            ReaderMeters.register(
                snapshot(reader::stats, nanoTime), registry, common, readerClock));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    binder.accept(requireNonNull(registry, "registry is null"));
  }

  private static <S> StatsSnapshot<S> snapshot(
      java.util.function.Supplier<S> stats, LongSupplier nanoTime) {
    return new StatsSnapshot<>(stats, nanoTime, SNAPSHOT_NANOS);
  }

  private static Tags common(String name, Tag... tags) {
    requireNonNull(name, "name is null");
    requireNonNull(tags, "tags is null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name is blank");
    }
    return Tags.of(tags).and("db", name);
  }

  /** The meters of a {@link Db}. */
  private static final class DbMeters {
    static void register(StatsSnapshot<DbStats> stats, MeterRegistry registry, Tags common) {
      Meters<DbStats> m = new Meters<>(registry, stats, common);
      String ops = BaseUnits.OPERATIONS;
      String writes = "write operations accepted (each one of a batch counts)";
      m.counter("shaledb.writes", writes, ops, DbStats::puts, Tag.of("op", "put"));
      m.counter("shaledb.writes", writes, ops, DbStats::deletes, Tag.of("op", "delete"));
      m.counter("shaledb.writes", writes, ops, DbStats::merges, Tag.of("op", "merge"));
      m.counter("shaledb.writes", writes, ops, DbStats::rangeDeletes, Tag.of("op", "delete_range"));
      m.counter("shaledb.write.calls", "write calls accepted", ops, DbStats::batches);
      m.counter(
          "shaledb.write.bytes", "key and value bytes accepted", "bytes", DbStats::bytesWritten);
      String reads = "point reads (each key of a multiGet) and iterators opened";
      m.counter("shaledb.reads", reads, ops, DbStats::gets, Tag.of("op", "get"));
      m.counter("shaledb.reads", reads, ops, DbStats::scans, Tag.of("op", "scan"));
      m.gauge(
          "shaledb.sequence",
          "sequence numbers",
          null,
          DbStats::lastSequence,
          Tag.of("kind", "last"));
      m.gauge(
          "shaledb.sequence",
          "sequence numbers",
          null,
          DbStats::durableSequence,
          Tag.of("kind", "durable"));
      m.gauge(
          "shaledb.memtable.size",
          "bytes in memtables",
          "bytes",
          DbStats::memtableBytes,
          Tag.of("memtables", "active"));
      m.gauge(
          "shaledb.memtable.size",
          "bytes in memtables",
          "bytes",
          DbStats::unflushedBytes,
          Tag.of("memtables", "all"));
      m.gauge(
          "shaledb.memtables.frozen",
          "memtables waiting for their flush",
          null,
          DbStats::immutableMemtables);
      m.counter(
          "shaledb.memtable.flushes", "memtables flushed to tables", ops, DbStats::memtableFlushes);
      m.counter(
          "shaledb.memtable.flush.bytes",
          "table bytes uploaded by memtable flushes",
          "bytes",
          DbStats::tableBytesWritten);
      m.gauge("shaledb.tables", "tables in level 0", null, DbStats::l0Tables, Tag.of("level", "0"));
      m.gauge("shaledb.sorted.runs", "sorted runs below level 0", null, DbStats::sortedRuns);
      m.gauge(
          "shaledb.stored.size",
          "bytes of the tables the manifest lists",
          "bytes",
          DbStats::tableBytes);
      m.counter(
          "shaledb.write.stall",
          "time writers were slowed or blocked by the memory budget",
          "seconds",
          s -> s.writeStallNanos() / 1e9);
      m.counter(
          "shaledb.compactions",
          "compactions published by this process",
          ops,
          DbStats::compactions);
      m.counter(
          "shaledb.compaction.bytes",
          "table bytes compactions read",
          "bytes",
          DbStats::compactionBytesRead,
          Tag.of("direction", "read"));
      m.counter(
          "shaledb.compaction.bytes",
          "table bytes compactions uploaded",
          "bytes",
          DbStats::compactionBytesWritten,
          Tag.of("direction", "written"));
      m.counter(
          "shaledb.background.failures",
          "failed flushes, compactions, GC runs, manifest polls",
          ops,
          DbStats::backgroundFailures);
      m.counter(
          "shaledb.condemned.uploads",
          "flushes and compactions redone because GC condemned their tables",
          ops,
          DbStats::condemnedUploads);
      m.quantiles(
          "shaledb.write.durable.latency",
          "time from a durable write call to its acknowledgement",
          s -> s,
          s ->
              new long[] {
                s.durableAckP50Micros(), s.durableAckP99Micros(), s.durableAckP999Micros()
              },
          TimeUnit.MICROSECONDS);
      m.caches(
          DbStats::cacheHits,
          DbStats::cacheMisses,
          DbStats::cacheBytes,
          DbStats::diskCacheHits,
          DbStats::diskCacheMisses,
          DbStats::diskCacheBytes,
          DbStats::diskCacheDamaged);
      m.objectStore(DbStats::objectStore);
    }
  }

  /** The meters of a {@link DbReader}. */
  private static final class ReaderMeters {
    static void register(
        StatsSnapshot<DbReaderStats> stats, MeterRegistry registry, Tags common, Clock clock) {
      Meters<DbReaderStats> m = new Meters<>(registry, stats, common);
      String ops = BaseUnits.OPERATIONS;
      String reads = "point reads (each key of a multiGet) and iterators opened";
      m.counter("shaledb.reads", reads, ops, DbReaderStats::gets, Tag.of("op", "get"));
      m.counter("shaledb.reads", reads, ops, DbReaderStats::scans, Tag.of("op", "scan"));
      m.gauge(
          "shaledb.sequence",
          "sequence numbers",
          null,
          DbReaderStats::sequence,
          Tag.of("kind", "reader"));
      m.gauge(
          "shaledb.reader.manifest",
          "the id of the manifest version read",
          null,
          DbReaderStats::manifestId);
      m.gauge(
          "shaledb.memtable.size",
          "bytes of replayed WAL writes",
          "bytes",
          DbReaderStats::memtableBytes,
          Tag.of("memtables", "all"));
      m.gauge(
          "shaledb.tables",
          "tables in level 0",
          null,
          DbReaderStats::l0Tables,
          Tag.of("level", "0"));
      m.gauge("shaledb.sorted.runs", "sorted runs below level 0", null, DbReaderStats::sortedRuns);
      m.counter(
          "shaledb.reader.refreshes",
          "refreshes (manifest poll and WAL catch-up)",
          ops,
          DbReaderStats::refreshes);
      m.counter(
          "shaledb.reader.refresh.failures",
          "refreshes that failed",
          ops,
          DbReaderStats::refreshFailures);
      m.counter(
          "shaledb.reader.manifest.switches",
          "new manifest versions adopted",
          ops,
          DbReaderStats::manifestSwitches);
      m.counter(
          "shaledb.reader.wal.applied",
          "WAL objects replayed",
          ops,
          DbReaderStats::walObjectsApplied);
      m.time(
          "shaledb.reader.refresh.age",
          "time since the last successful refresh (how stale the reader may be)",
          TimeUnit.MILLISECONDS,
          s ->
              s.lastRefreshAt() == null
                  ? Double.NaN
                  : clock.millis() - s.lastRefreshAt().toEpochMilli());
      m.caches(
          DbReaderStats::cacheHits,
          DbReaderStats::cacheMisses,
          DbReaderStats::cacheBytes,
          DbReaderStats::diskCacheHits,
          DbReaderStats::diskCacheMisses,
          DbReaderStats::diskCacheBytes,
          DbReaderStats::diskCacheDamaged);
      m.objectStore(DbReaderStats::objectStore);
    }
  }
}
