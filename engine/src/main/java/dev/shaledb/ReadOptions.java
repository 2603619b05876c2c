package dev.shaledb;

/**
 * What a read sees, and how a scan reads.
 *
 * @param durableOnly {@code false} (the default): every write this {@code Db} has accepted,
 *     including {@code awaitDurable=false} writes not yet uploaded. {@code true}: only writes that
 *     are durable in the object store, i.e. what a reopen after a crash would see.
 * @param snapshot if not null, read the database as it was when the snapshot was taken ({@code
 *     durableOnly} then limits the view further to what was durable when reading)
 * @param readAheadBytes the largest window a scan reads ahead in one request per table (default
 *     {@link #DEFAULT_READ_AHEAD_BYTES}; 0 reads each block on its own). Once a scan moves past the
 *     first block after a seek, it reads the following blocks in windows of 64 KiB growing fourfold
 *     up to this size, the next two windows in flight while it reads one (so at most three windows,
 *     6 MiB by default, per table a scan reads), never past its range's end: a cold scan of a few
 *     thousand entries costs about three request latencies instead of one per block. Point reads
 *     ignore it
 */
public record ReadOptions(boolean durableOnly, Snapshot snapshot, int readAheadBytes) {
  /** 2 MiB: about the size where a GET's transfer time passes its latency on S3. */
  public static final int DEFAULT_READ_AHEAD_BYTES = 2 << 20;

  private static final ReadOptions DEFAULTS =
      new ReadOptions(false, null, DEFAULT_READ_AHEAD_BYTES);

  public ReadOptions {
    if (readAheadBytes < 0) {
      throw new IllegalArgumentException("readAheadBytes is negative: " + readAheadBytes);
    }
  }

  /** Read everything accepted so far, at the latest state. */
  public static ReadOptions defaults() {
    return DEFAULTS;
  }

  /** These options reading only durable data, or also in-memory data. */
  public ReadOptions withDurableOnly(boolean value) {
    return new ReadOptions(value, snapshot, readAheadBytes);
  }

  /** These options reading at {@code value} (null: the latest state). */
  public ReadOptions withSnapshot(Snapshot value) {
    return new ReadOptions(durableOnly, value, readAheadBytes);
  }

  /** These options with scans reading ahead up to {@code value} bytes (0: no read-ahead). */
  public ReadOptions withReadAheadBytes(int value) {
    return new ReadOptions(durableOnly, snapshot, value);
  }
}
