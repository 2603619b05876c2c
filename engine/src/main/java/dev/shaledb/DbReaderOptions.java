package dev.shaledb;

import static java.util.Objects.requireNonNull;

import dev.shaledb.cache.DiskCache;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How a {@link DbReader} behaves. Immutable; make one with {@link #builder()} or take {@link
 * #defaults()}.
 *
 * @param pollInterval how often the reader looks for new durable writes in the background (default
 *     1 s); {@link Duration#ZERO} turns polling off, so the reader moves only on {@link
 *     DbReader#refresh()}. Ignored for a checkpoint reader, which never moves
 * @param blockCacheBytes the capacity of the reader's block cache, weighed by decoded block size
 *     (default 64 MiB; 0 disables it)
 * @param diskCacheDirectory the directory of the local disk cache below the block cache, which
 *     keeps table blocks read from the store across restarts (default null: none); one process at a
 *     time may use a directory, and deleting it at any moment loses nothing
 * @param diskCacheBytes the disk cache's byte budget (at least 4 MiB when a directory is set, 0
 *     without one; default 0)
 * @param checkpoint the id of a checkpoint to read, exactly as it was pinned (tables only, no WAL,
 *     no polling); null (the default) follows the latest state
 * @param clock decides whether a checkpoint has expired and stamps refreshes (default the system
 *     UTC clock); injectable so tests replay
 * @param scheduler runs the polls; null (the default) makes the reader own a one-thread daemon
 *     scheduler that {@link DbReader#close()} shuts down. An injected one is not shut down
 * @param listener told of each damaged object the reader detects, in reads, refreshes and polls
 *     ({@link DbListener#onCorruptionDetected}; no other method is called); default {@link
 *     DbListener#NONE}
 * @param mergeOperator folds merge operands in reads (default null: none; reading a key with
 *     operands then fails with {@link dev.shaledb.error.MergeOperatorException}); use the writer's
 */
public record DbReaderOptions(
    Duration pollInterval,
    long blockCacheBytes,
    Path diskCacheDirectory,
    long diskCacheBytes,
    UUID checkpoint,
    Clock clock,
    ScheduledExecutorService scheduler,
    DbListener listener,
    MergeOperator mergeOperator) {

  public DbReaderOptions {
    requireNonNull(pollInterval, "pollInterval is null");
    if (pollInterval.isNegative()) {
      throw new IllegalArgumentException("pollInterval is negative: " + pollInterval);
    }
    if (blockCacheBytes < 0) {
      throw new IllegalArgumentException("blockCacheBytes is negative: " + blockCacheBytes);
    }
    DiskCache.checkOptions(diskCacheDirectory, diskCacheBytes);
    requireNonNull(clock, "clock is null");
    requireNonNull(listener, "listener is null");
  }

  /** The documented defaults. */
  public static DbReaderOptions defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.pollInterval = pollInterval;
    b.blockCacheBytes = blockCacheBytes;
    b.diskCacheDirectory = diskCacheDirectory;
    b.diskCacheBytes = diskCacheBytes;
    b.checkpoint = checkpoint;
    b.clock = clock;
    b.scheduler = scheduler;
    b.listener = listener;
    b.mergeOperator = mergeOperator;
    return b;
  }

  /** Makes {@link DbReaderOptions}; every setter documents its default on the record. */
  public static final class Builder {
    private Duration pollInterval = Duration.ofSeconds(1);
    private long blockCacheBytes = 64L << 20;
    private Path diskCacheDirectory;
    private long diskCacheBytes;
    private UUID checkpoint;
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService scheduler;
    private DbListener listener = DbListener.NONE;
    private MergeOperator mergeOperator;

    private Builder() {}

    public Builder mergeOperator(MergeOperator value) {
      this.mergeOperator = value;
      return this;
    }

    public Builder pollInterval(Duration value) {
      this.pollInterval = value;
      return this;
    }

    public Builder blockCacheBytes(long value) {
      this.blockCacheBytes = value;
      return this;
    }

    /** A disk cache in {@code directory} of up to {@code bytes}; (null, 0) turns it off. */
    public Builder diskCache(Path directory, long bytes) {
      this.diskCacheDirectory = directory;
      this.diskCacheBytes = bytes;
      return this;
    }

    public Builder checkpoint(UUID value) {
      this.checkpoint = value;
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = value;
      return this;
    }

    public Builder scheduler(ScheduledExecutorService value) {
      this.scheduler = value;
      return this;
    }

    public Builder listener(DbListener value) {
      this.listener = value;
      return this;
    }

    public DbReaderOptions build() {
      return new DbReaderOptions(
          pollInterval,
          blockCacheBytes,
          diskCacheDirectory,
          diskCacheBytes,
          checkpoint,
          clock,
          scheduler,
          listener,
          mergeOperator);
    }
  }
}
