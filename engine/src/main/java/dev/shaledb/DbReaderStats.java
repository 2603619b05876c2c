package dev.shaledb;

import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.support.StatsLines;
import dev.shaledb.support.Units;
import java.time.Instant;

/**
 * The state and counters of a {@link DbReader} since it was opened, taken at one moment by {@link
 * DbReader#stats()}.
 *
 * @param manifestId the manifest version whose tables the reader reads
 * @param sequence reads see every write up to this sequence number
 * @param nextWalId the WAL id the next refresh probes (0 for a checkpoint reader)
 * @param memtableBytes bytes of replayed WAL writes held in memory (newer than the manifest's
 *     tables)
 * @param memtableEntries versions held in memory
 * @param l0Tables tables in level 0 of the current manifest
 * @param sortedRuns sorted runs of the current manifest
 * @param refreshes refreshes completed (by polling or {@link DbReader#refresh()})
 * @param refreshFailures background polls that failed (the reader keeps its last view and retries
 *     at the next poll)
 * @param manifestSwitches newer manifest versions adopted
 * @param walObjectsApplied WAL objects whose batches were replayed (fences included)
 * @param lastRefreshAt when the last refresh completed, or null if none did since open
 * @param gets point reads; each key of a multiGet counts as one
 * @param scans iterators opened
 * @param cacheHits block cache hits
 * @param cacheMisses block cache misses (each one a ranged GET)
 * @param cacheBytes bytes held by the block cache
 * @param objectStore requests, failures, bytes and latencies of this reader's object-store calls
 * @param diskCacheHits block reads the disk cache served (0 without one)
 * @param diskCacheMisses block reads that went past the disk cache to the store; concurrent misses
 *     of one block share one GET
 * @param diskCacheBytes bytes held by the disk cache's files
 * @param diskCacheDamaged disk cache entries found damaged, truncated, misplaced or gone when read
 *     (each also a miss, read from the store instead)
 */
public record DbReaderStats(
    long manifestId,
    long sequence,
    long nextWalId,
    long memtableBytes,
    long memtableEntries,
    int l0Tables,
    int sortedRuns,
    long refreshes,
    long refreshFailures,
    long manifestSwitches,
    long walObjectsApplied,
    Instant lastRefreshAt,
    long gets,
    long scans,
    long cacheHits,
    long cacheMisses,
    long cacheBytes,
    ObjectStoreMetrics objectStore,
    long diskCacheHits,
    long diskCacheMisses,
    long diskCacheBytes,
    long diskCacheDamaged) {

  /** One readable line with units, leaving out what does not apply (no disk cache, no polls). */
  @Override
  public String toString() {
    return new Units.Line("DbReaderStats")
        .add("manifest " + manifestId + ", sequence " + sequence)
        .addIf(nextWalId > 0, "next WAL " + nextWalId)
        .add(
            "memtable: "
                + Units.bytes(memtableBytes)
                + ", "
                + Units.count(memtableEntries, "version"))
        .add(l0Tables + " tables in L0, " + Units.count(sortedRuns, "sorted run"))
        .add(
            "refreshes: "
                + refreshes
                + (refreshFailures > 0 ? ", " + refreshFailures + " failed" : "")
                + ", "
                + Units.count(manifestSwitches, "manifest switch")
                + ", "
                + Units.count(walObjectsApplied, "WAL object")
                + " applied"
                + (lastRefreshAt == null ? "" : ", last at " + lastRefreshAt))
        .add("reads: " + Units.count(gets, "get") + ", " + Units.count(scans, "scan"))
        .add(StatsLines.cache("block cache", cacheHits, cacheMisses, cacheBytes, 0))
        .addIf(
            diskCacheHits + diskCacheMisses + diskCacheBytes > 0,
            StatsLines.cache(
                "disk cache", diskCacheHits, diskCacheMisses, diskCacheBytes, diskCacheDamaged))
        .add("store: " + StatsLines.store(objectStore))
        .toString();
  }
}
