package dev.shaledb;

import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.support.StatsLines;
import dev.shaledb.support.Units;

/**
 * Counters of a {@link Db} since it was opened, taken at one moment by {@link Db#stats()}.
 *
 * @param puts put operations accepted (each put of a batch counts)
 * @param deletes delete operations accepted (each delete of a batch counts)
 * @param batches write calls accepted
 * @param bytesWritten key and value bytes accepted
 * @param gets point reads; each key of a multiGet counts as one
 * @param scans iterators opened
 * @param lastSequence the sequence number of the last accepted write
 * @param durableSequence every write up to this sequence number is durable; in bulk-load mode, the
 *     last write a published flush holds, so a crash now loses the writes from here to {@code
 *     lastSequence}
 * @param memtableBytes bytes in the active memtable
 * @param immutableMemtables frozen memtables waiting to be flushed
 * @param unflushedBytes bytes in all memtables (what the memory budget bounds)
 * @param memtableFlushes memtables flushed to tables (not calls of {@link Db#flush()}, which makes
 *     accepted writes durable and flushes no memtable)
 * @param l0Tables tables in level 0
 * @param sortedRuns sorted runs below level 0
 * @param tableBytes bytes of all tables the current manifest lists (the database's stored size)
 * @param tableBytesWritten bytes of tables uploaded by flushes
 * @param writeStallNanos total time writers spent slowed down or blocked by the memory budget or a
 *     large L0
 * @param compactions compactions published by this process
 * @param compactionBytesRead table bytes read by those compactions
 * @param compactionBytesWritten table bytes they uploaded
 * @param cacheHits block cache hits
 * @param cacheMisses block cache misses (each one a ranged GET)
 * @param cacheBytes bytes held by the block cache
 * @param durableAckP50Micros median time from a durable write call to its acknowledgement
 * @param durableAckP99Micros 99th percentile of the same
 * @param durableAckP999Micros 99.9th percentile of the same
 * @param objectStore requests, failures, bytes and latencies of this database's object-store calls
 * @param backgroundFailures failures of background work (flushes, compactions, GC runs, manifest
 *     polls), each retried; also told to {@link DbListener#onBackgroundError}
 * @param lastBackgroundError the last of them as "task: what: cause", or null if none
 * @param condemnedUploads flushes and compactions whose tables garbage collection condemned before
 *     they were published (they stalled longer than its minAge) and that were redone
 * @param diskCacheHits block reads the disk cache served (0 without one)
 * @param diskCacheMisses block reads that went past the disk cache to the store; concurrent misses
 *     of one block share one GET
 * @param diskCacheBytes bytes held by the disk cache's files
 * @param diskCacheDamaged disk cache entries found damaged, truncated, misplaced or gone when read
 *     (each also a miss, read from the store instead)
 * @param merges merge operations accepted (each merge of a batch or transaction counts)
 * @param rangeDeletes range deletes accepted
 * @param bulkLoad whether the database is open in bulk-load mode ({@link DbOptions#bulkLoad()}):
 *     writes skip the WAL, so a crash would lose every write after {@code durableSequence}, all of
 *     them in the memtables' {@code unflushedBytes}
 */
public record DbStats(
    long puts,
    long deletes,
    long batches,
    long bytesWritten,
    long gets,
    long scans,
    long lastSequence,
    long durableSequence,
    long memtableBytes,
    int immutableMemtables,
    long unflushedBytes,
    long memtableFlushes,
    int l0Tables,
    int sortedRuns,
    long tableBytes,
    long tableBytesWritten,
    long writeStallNanos,
    long compactions,
    long compactionBytesRead,
    long compactionBytesWritten,
    long cacheHits,
    long cacheMisses,
    long cacheBytes,
    long durableAckP50Micros,
    long durableAckP99Micros,
    long durableAckP999Micros,
    ObjectStoreMetrics objectStore,
    long backgroundFailures,
    String lastBackgroundError,
    long condemnedUploads,
    long diskCacheHits,
    long diskCacheMisses,
    long diskCacheBytes,
    long diskCacheDamaged,
    long merges,
    long rangeDeletes,
    boolean bulkLoad) {

  /**
   * Memtables flushed to tables.
   *
   * @deprecated the name read like calls of {@link Db#flush()}; use {@link #memtableFlushes()}
   */
  @Deprecated(since = "0.1.0", forRemoval = true)
  public long flushes() {
    return memtableFlushes;
  }

  /**
   * One readable line with units, leaving out what did not happen (no merges, no disk cache, no
   * compactions, no background failures).
   */
  @Override
  public String toString() {
    return new Units.Line("DbStats")
        .add(
            "writes: "
                + Units.count(batches, "batch")
                + " ("
                + writeCounts(puts, deletes, merges, rangeDeletes)
                + "), "
                + Units.bytes(bytesWritten))
        .add("reads: " + Units.count(gets, "get") + ", " + Units.count(scans, "scan"))
        .add("sequence " + lastSequence + ", durable " + durableSequence)
        .addIf(
            bulkLoad,
            "bulk load: "
                + Units.count(lastSequence - durableSequence, "operation")
                + " not durable until the next flush")
        .add(
            "memtables: "
                + Units.bytes(memtableBytes)
                + " active, "
                + Units.bytes(unflushedBytes)
                + " unflushed, "
                + immutableMemtables
                + " frozen")
        .add(
            Units.count(memtableFlushes, "memtable flush")
                + (memtableFlushes == 0 ? "" : " (" + Units.bytes(tableBytesWritten) + ")"))
        .add(
            "tables: "
                + l0Tables
                + " in L0, "
                + Units.count(sortedRuns, "sorted run")
                + ", "
                + Units.bytes(tableBytes))
        .addIf(
            compactions > 0,
            Units.count(compactions, "compaction")
                + " (read "
                + Units.bytes(compactionBytesRead)
                + ", wrote "
                + Units.bytes(compactionBytesWritten)
                + ")")
        .addIf(writeStallNanos > 0, "write stalls " + Units.micros(writeStallNanos / 1000))
        .addIf(
            durableAckP50Micros > 0,
            "durable ack p50 "
                + Units.micros(durableAckP50Micros)
                + ", p99 "
                + Units.micros(durableAckP99Micros)
                + ", p99.9 "
                + Units.micros(durableAckP999Micros))
        .add(StatsLines.cache("block cache", cacheHits, cacheMisses, cacheBytes, 0))
        .addIf(
            diskCacheHits + diskCacheMisses + diskCacheBytes > 0,
            StatsLines.cache(
                "disk cache", diskCacheHits, diskCacheMisses, diskCacheBytes, diskCacheDamaged))
        .add("store: " + StatsLines.store(objectStore))
        .addIf(
            backgroundFailures > 0,
            "background: "
                + Units.count(backgroundFailures, "failure")
                + ", last: "
                + lastBackgroundError)
        .addIf(condemnedUploads > 0, Units.count(condemnedUploads, "condemned upload"))
        .toString();
  }

  private static String writeCounts(long puts, long deletes, long merges, long rangeDeletes) {
    StringBuilder out =
        new StringBuilder(Units.count(puts, "put"))
            .append(", ")
            .append(Units.count(deletes, "delete"));
    if (merges > 0) {
      out.append(", ").append(Units.count(merges, "merge"));
    }
    if (rangeDeletes > 0) {
      out.append(", ").append(Units.count(rangeDeletes, "range delete"));
    }
    return out.toString();
  }
}
