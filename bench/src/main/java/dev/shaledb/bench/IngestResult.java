package dev.shaledb.bench;

import static java.util.Objects.requireNonNull;

import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.objectstore.RequestPricing;
import java.util.List;

/**
 * What the {@code ingest} command measured: ShaleDB's writers and engine during the timed window,
 * and RocksDB's writers under the same load if it ran.
 *
 * @param shaledb ShaleDB's writers
 * @param rocksdb RocksDB's writers, or null if skipped
 * @param distinctKeys distinct keys ShaleDB's writers wrote
 * @param enginePuts puts ShaleDB counted as accepted in the window ({@code DbStats.puts}); equal to
 *     the writers' count
 * @param stallNanos time the engine slowed or blocked writers in the window ({@code
 *     DbStats.writeStallNanos})
 * @param spaceAmpMean space amplification, the mean of the samples
 * @param spaceAmpMax space amplification, the largest sample
 * @param flushBytes table bytes uploaded by memtable flushes in the window
 * @param compactionBytes table bytes uploaded by compactions in the window
 * @param compactions compactions published in the window
 * @param condemnedUploads flushes and compactions whose uploads GC condemned before they were
 *     published (redone: a job that runs longer than GC's minAge is condemned)
 * @param l0TablesAtEnd L0 tables when the writers stopped
 * @param sortedRunsAtEnd sorted runs when the writers stopped
 * @param store the object-store requests and bytes of the window (GC's included)
 * @param samples ShaleDB's time series
 */
record IngestResult(
    WriteLoad shaledb,
    WriteLoad rocksdb,
    long distinctKeys,
    long enginePuts,
    long stallNanos,
    double spaceAmpMean,
    double spaceAmpMax,
    long flushBytes,
    long compactionBytes,
    long compactions,
    long condemnedUploads,
    int l0TablesAtEnd,
    int sortedRunsAtEnd,
    ObjectStoreMetrics store,
    List<IngestSample> samples) {
  IngestResult {
    requireNonNull(shaledb, "shaledb is null");
    requireNonNull(store, "store is null");
    samples = List.copyOf(samples);
    if (distinctKeys < 0 || distinctKeys > shaledb.puts() + shaledb.threads()) {
      // a key is counted just before its put, so a put cut short may leave one per writer
      throw new IllegalArgumentException(
          distinctKeys + " distinct keys from " + shaledb.puts() + " puts");
    }
    if (stallNanos < 0 || flushBytes < 0 || compactionBytes < 0 || compactions < 0) {
      throw new IllegalArgumentException("negative engine counter");
    }
  }

  IngestResult withRocksDb(WriteLoad load) {
    return new IngestResult(
        shaledb,
        load,
        distinctKeys,
        enginePuts,
        stallNanos,
        spaceAmpMean,
        spaceAmpMax,
        flushBytes,
        compactionBytes,
        compactions,
        condemnedUploads,
        l0TablesAtEnd,
        sortedRunsAtEnd,
        store,
        samples);
  }

  /** The share of ShaleDB's writer time the engine slowed or blocked them. */
  double stallPercent() {
    return 100.0 * stallNanos / ((double) shaledb.threads() * shaledb.nanos());
  }

  /** Table bytes uploaded (flushes and compactions) per user byte. */
  double writeAmpTables() {
    return (double) (flushBytes + compactionBytes) / shaledb.userBytes();
  }

  /** All bytes PUT (WAL, tables, manifests) per user byte. */
  double writeAmpAllPuts() {
    return (double) store.bytesUploaded() / shaledb.userBytes();
  }

  /** Request cost per GB (10^9 bytes) of user data; storage and transfer excluded. */
  double dollarsPerGb(RequestPricing pricing) {
    return store.costUsd(pricing) / (shaledb.userBytes() / 1e9);
  }

  /** ShaleDB's MB/s over RocksDB's, or NaN without a RocksDB run. */
  double ratio() {
    return rocksdb == null ? Double.NaN : shaledb.mbPerSecond() / rocksdb.mbPerSecond();
  }

  /** The most L0 tables at any sample. */
  int maxL0Tables() {
    return samples.stream().mapToInt(IngestSample::l0Tables).max().orElse(l0TablesAtEnd);
  }

  /** The most sorted runs at any sample. */
  int maxSortedRuns() {
    return samples.stream().mapToInt(IngestSample::sortedRuns).max().orElse(sortedRunsAtEnd);
  }
}
