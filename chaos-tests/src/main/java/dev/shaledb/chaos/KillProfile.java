package dev.shaledb.chaos;

import dev.shaledb.CompactionOptions;
import dev.shaledb.DbOptions;
import dev.shaledb.GcOptions;
import dev.shaledb.sst.SstOptions;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * How a {@link KillChild} writes: the database's sizes and how large its values are.
 *
 * <ul>
 *   <li>{@link #SMALL}: tiny memtables and values, so a few seconds hold many flushes and
 *       compactions, each a small single-request put.
 *   <li>{@link #LARGE}: tables above S3's smallest multipart threshold (5 MiB), so that every flush
 *       and compaction output is uploaded in two or three parts and a kill can cut an upload in the
 *       middle. Values of 16–64 KiB fill a 12 MiB memtable in about 300 writes (75 calls of four);
 *       over 1,000 keys few of them are overwrites, so a flushed table keeps about 11 MiB.
 * </ul>
 */
public enum KillProfile {
  SMALL(100, 1, 0, 200, 256),
  LARGE(1000, 4, 16 << 10, 48 << 10, 512);

  /** The memtable of a large child; its flushed table is about as large. */
  static final long LARGE_MEMTABLE_BYTES = 12L << 20;

  private final int keys;
  private final int keysPerBatch;
  private final int minPadding;
  private final int paddingSpread;
  private final int heapMiB;

  KillProfile(int keys, int keysPerBatch, int minPadding, int paddingSpread, int heapMiB) {
    this.keys = keys;
    this.keysPerBatch = keysPerBatch;
    this.minPadding = minPadding;
    this.paddingSpread = paddingSpread;
    this.heapMiB = heapMiB;
  }

  /** How many distinct keys the child writes (the small tier's {@code chaos.keys} may differ). */
  int keys() {
    return keys;
  }

  /**
   * Distinct keys per write call. A large child writes four per call because every durable call
   * waits for its own WAL put: four values per round trip fill a memtable four times as fast.
   */
  int keysPerBatch() {
    return keysPerBatch;
  }

  /** The child JVM's heap: a large child holds up to three 12 MiB memtables and a table build. */
  int heapMiB() {
    return heapMiB;
  }

  /** The padding of the next value (see {@link UniqueValues#encode}). */
  int padding(SplittableRandom random) {
    return minPadding + random.nextInt(paddingSpread);
  }

  /** The options the child writes with. */
  DbOptions childOptions() {
    if (this == SMALL) {
      return DbOptions.builder()
          .memtableBytes(16 << 10)
          .maxUnflushedBytes(4 << 20)
          .tableOptions(SstOptions.defaults().withBlockSize(512))
          .build();
    }
    return DbOptions.builder()
        .memtableBytes(LARGE_MEMTABLE_BYTES)
        .maxUnflushedBytes(3 * LARGE_MEMTABLE_BYTES)
        .blockCacheBytes(4 << 20)
        // Blocks of a few values rather than one each: fewer ranged GETs for the parent's scan.
        .tableOptions(SstOptions.defaults().withBlockSize(64 << 10))
        // Compaction output in tables of the memtable's size, so it too goes up in parts, and a
        // child's heap holds no more than one such table per subcompaction.
        .compaction(CompactionOptions.builder().targetTableBytes(LARGE_MEMTABLE_BYTES).build())
        .build();
  }

  /**
   * The options the parent verifies with while no child runs. A small database gets the chaos
   * tiers' tiny options. A large one keeps the child's sizes (tiny memtables would replay megabytes
   * of WAL into thousands of tables), compacts nothing, and collects garbage with no grace period,
   * which {@link GcOptions} allows only while nothing else uses the database: the parent collects
   * after each check ({@link #collectsAfterVerify}), standing in for the periodic GC that children
   * killed within seconds never reach, so the S3 test server's heap stays bounded.
   */
  DbOptions verifyOptions() {
    if (this == SMALL) {
      return ChaosProcess.tinyOptions().toBuilder().flushOnClose(false).build();
    }
    return childOptions().toBuilder()
        // A memtable that holds all the WAL a child can leave unflushed, so that the parent
        // uploads no table: every upload in the bucket is then a child's.
        .memtableBytes(8 * LARGE_MEMTABLE_BYTES)
        .maxUnflushedBytes(16 * LARGE_MEMTABLE_BYTES)
        .flushOnClose(false)
        .compaction(CompactionOptions.builder().enabled(false).build())
        .gc(GcOptions.builder().minAge(Duration.ZERO).interval(Duration.ZERO).build())
        .build();
  }

  /** Whether the parent collects garbage after verifying (see {@link #verifyOptions}). */
  boolean collectsAfterVerify() {
    return this == LARGE;
  }
}
