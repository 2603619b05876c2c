package dev.shaledb;

import static java.util.Objects.requireNonNull;

import dev.shaledb.cache.DiskCache;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.support.Units;
import dev.shaledb.wal.WalWriterOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How a {@link Db} behaves. Immutable; make one with {@link #builder()} or take {@link
 * #defaults()}.
 *
 * @param memtableBytes the memtable is frozen and flushed to a table when it reaches this size
 *     (default 64 MiB)
 * @param maxUnflushedBytes the most bytes the memtables may hold before writes block (default 256
 *     MiB); writes slow down from half of it on, so memory stays bounded
 * @param writeStallTimeout how long a write may block on a full memory budget before it fails with
 *     {@link dev.shaledb.error.WriteStallException} (default 30 s)
 * @param blockCacheBytes the capacity of the in-memory block cache, weighed by decoded block size
 *     (default 256 MiB; 0 disables it)
 * @param diskCacheDirectory the directory of the local disk cache below the block cache, which
 *     keeps table blocks read from the store across restarts (default null: none); one process at a
 *     time may use a directory, and deleting it at any moment loses nothing
 * @param diskCacheBytes the disk cache's byte budget (at least 4 MiB when a directory is set, 0
 *     without one; default 0)
 * @param tableOptions block size, compression and bloom filter of the tables written (default
 *     {@link SstOptions#defaults()})
 * @param walOptions WAL object size, pipelining and flush interval (default {@link
 *     WalWriterOptions#defaults()}; its scheduler is replaced by the database's)
 * @param flushOnClose whether {@link Db#close()} uploads the memtables as tables, so that the next
 *     open replays nothing (default true); the WAL is made durable either way
 * @param compaction how tables are compacted, and whether in this process (default {@link
 *     CompactionOptions#defaults()})
 * @param clock the clock for table ids and statistics (default the system UTC clock); injectable so
 *     tests replay
 * @param scheduler runs the WAL's upload timers and completions, and may be shared with the object
 *     store's own retries; the engine never blocks it (flushes, compaction, GC and manifest polls
 *     run on the database's own two background threads). Null (the default) makes the database own
 *     a two-thread scheduler that {@link Db#close()} shuts down
 * @param background runs flushes, compaction retries, GC and manifest polls, which block on the
 *     object store, so it must not be (or share threads with) anything that completes store
 *     requests, such as {@code scheduler} when the store's retries run on it; null (the default)
 *     makes the database own two daemon threads that {@link Db#close()} shuts down
 * @param gc garbage collection by this writer (default {@link GcOptions#defaults()}: runs every
 *     minute and keeps what was superseded less than 15 minutes ago; an interval of {@link
 *     Duration#ZERO} leaves only {@link Db#collectGarbage()})
 * @param listener told synchronously at named points of writes, compaction, GC, checkpoints and
 *     recovery, for observability and crash testing (default {@link DbListener#NONE}); see {@link
 *     DbListener} for threads and what an exception it throws does
 * @param conflictHistoryBytes the memory for the keys written while transactions are open, which
 *     their commits are checked against (default 64 MiB, at least 4 KiB); a transaction whose
 *     snapshot is older than what fits fails with {@link
 *     dev.shaledb.error.TransactionConflictException} (docs/transactions.md)
 * @param mergeOperator folds the operands of {@link Db#merge} in reads and in this database's
 *     compactions (default null: none; reading a key with operands then fails with {@link
 *     dev.shaledb.error.MergeOperatorException}). {@link CompactionOptions#mergeOperator()} is set
 *     to it; setting both to different operators is refused
 * @param defaultTtl how long a put or merge without its own time to live lives (default null:
 *     forever); see {@link WriteBatch#put(byte[], byte[], Duration)} for the clocks involved
 * @param allowForeignObjects whether {@link Db#open} may create a database under a path that
 *     already holds other objects or files (default false: such an open fails with {@link
 *     dev.shaledb.error.ForeignObjectsException} and creates nothing); see docs/engine.md, "Where a
 *     database may be created"
 * @param allowInProcessTakeover for tests that simulate several processes in one JVM: this open may
 *     take the database over from an instance this process has open on the same store (fencing it,
 *     as another process's open would), and this instance does not keep others from doing the same,
 *     so it may also be abandoned without {@link Db#close()} like a crashed process (default false:
 *     a second open fails with {@link dev.shaledb.error.DbAlreadyOpenException})
 * @param bulkLoad for an initial load: writes skip the WAL and go to the memtables only, so a load
 *     uploads its bytes once (as tables) instead of twice (WAL and tables); a write becomes durable
 *     when the flush of its memtable is published, by size, {@link Db#flush()} or {@link
 *     Db#close()}, and <b>a crash loses every write accepted since the last published flush</b>
 *     (default false). Durable writes are refused with {@link
 *     dev.shaledb.error.BulkLoadModeException}: write with {@link WriteOptions#noWait()}. Needs
 *     {@code flushOnClose}; the mode lasts for this open, so reopen without it to write durably
 *     again. See docs/engine.md, "Bulk-load mode"
 * @param warmBlockCacheOnFlush whether flushed tables go into the block cache as they are written,
 *     so reads of just-flushed keys cost no GET (default false, as RocksDB's {@code
 *     prepopulate_block_cache}). It costs CPU and garbage collection in proportion to the write
 *     rate: on two cores a saturated ingest ran 38.6 MB/s with it against 44.2 MB/s without
 *     (docs/benchmarks.md, issue 21 profile). Compaction outputs: {@link
 *     CompactionOptions#warmBlockCache()}
 */
public record DbOptions(
    long memtableBytes,
    long maxUnflushedBytes,
    Duration writeStallTimeout,
    long blockCacheBytes,
    Path diskCacheDirectory,
    long diskCacheBytes,
    SstOptions tableOptions,
    WalWriterOptions walOptions,
    boolean flushOnClose,
    CompactionOptions compaction,
    Clock clock,
    ScheduledExecutorService scheduler,
    ScheduledExecutorService background,
    GcOptions gc,
    DbListener listener,
    long conflictHistoryBytes,
    MergeOperator mergeOperator,
    Duration defaultTtl,
    boolean allowForeignObjects,
    boolean allowInProcessTakeover,
    boolean bulkLoad,
    boolean warmBlockCacheOnFlush) {

  public DbOptions {
    if (memtableBytes < 1024) {
      throw new IllegalArgumentException("memtableBytes is below 1024: " + memtableBytes);
    }
    if (maxUnflushedBytes < 2 * memtableBytes) {
      throw new IllegalArgumentException(
          "maxUnflushedBytes "
              + maxUnflushedBytes
              + " is below twice memtableBytes "
              + memtableBytes);
    }
    requireNonNull(writeStallTimeout, "writeStallTimeout is null");
    if (writeStallTimeout.isNegative()) {
      throw new IllegalArgumentException("writeStallTimeout is negative: " + writeStallTimeout);
    }
    if (blockCacheBytes < 0) {
      throw new IllegalArgumentException("blockCacheBytes is negative: " + blockCacheBytes);
    }
    DiskCache.checkOptions(diskCacheDirectory, diskCacheBytes);
    requireNonNull(tableOptions, "tableOptions is null");
    requireNonNull(walOptions, "walOptions is null");
    requireNonNull(compaction, "compaction is null");
    requireNonNull(clock, "clock is null");
    requireNonNull(gc, "gc is null");
    requireNonNull(listener, "listener is null");
    if (conflictHistoryBytes < 4096) {
      throw new IllegalArgumentException(
          "conflictHistoryBytes is below 4096: " + conflictHistoryBytes);
    }
    if (defaultTtl != null && (defaultTtl.isNegative() || defaultTtl.isZero())) {
      throw new IllegalArgumentException("defaultTtl is not positive: " + defaultTtl);
    }
    if (bulkLoad && !flushOnClose) {
      throw new IllegalArgumentException(
          "bulkLoad needs flushOnClose: in bulk-load mode close() is what makes the last writes"
              + " durable");
    }
    if (mergeOperator == null) {
      mergeOperator = compaction.mergeOperator();
    } else if (compaction.mergeOperator() == null) {
      compaction = compaction.toBuilder().mergeOperator(mergeOperator).build();
    } else if (compaction.mergeOperator() != mergeOperator) {
      throw new IllegalArgumentException(
          "mergeOperator and compaction().mergeOperator() are different operators");
    }
    if (compaction.clock() == null) {
      compaction = compaction.toBuilder().clock(clock).build();
    } else if (!compaction.clock().equals(clock)) {
      throw new IllegalArgumentException(
          "clock and compaction().clock() are different clocks: "
              + clock
              + ", "
              + compaction.clock());
    }
  }

  /**
   * One readable line with units: the sizes and intervals, and of the rest only what was set (a
   * merge operator, a default time to live, a listener, own threads, foreign objects allowed).
   */
  @Override
  public String toString() {
    return new Units.Line("DbOptions")
        .add(
            "memtable "
                + Units.bytes(memtableBytes)
                + ", unflushed at most "
                + Units.bytes(maxUnflushedBytes)
                + ", write stall timeout "
                + Units.duration(writeStallTimeout))
        .add(
            "block cache "
                + (blockCacheBytes == 0 ? "off" : Units.bytes(blockCacheBytes))
                + ", disk cache "
                + (diskCacheDirectory == null
                    ? "off"
                    : Units.bytes(diskCacheBytes) + " in " + diskCacheDirectory))
        .add(
            "compaction "
                + (compaction.enabled() ? "here" : "elsewhere")
                + ", gc "
                + (gc.interval().isZero() ? "on demand" : "every " + Units.duration(gc.interval()))
                + " keeping "
                + Units.duration(gc.minAge()))
        .addIf(!flushOnClose, "no flush on close")
        .addIf(
            conflictHistoryBytes != 64L << 20,
            "conflict history " + Units.bytes(conflictHistoryBytes))
        .addIf(mergeOperator != null, "merge operator " + mergeOperator)
        .addIf(
            defaultTtl != null,
            "default ttl " + (defaultTtl == null ? "" : Units.duration(defaultTtl)))
        .addIf(listener != DbListener.NONE, "listener " + listener)
        .addIf(scheduler != null || background != null, "own threads")
        .addIf(!clock.equals(Clock.systemUTC()), "clock " + clock)
        .addIf(allowForeignObjects, "foreign objects allowed")
        .addIf(allowInProcessTakeover, "in-process takeover allowed")
        .addIf(bulkLoad, "bulk load (no WAL: a crash loses the writes since the last flush)")
        .addIf(warmBlockCacheOnFlush, "flushes warm the block cache")
        .toString();
  }

  /** The documented defaults. */
  public static DbOptions defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.memtableBytes = memtableBytes;
    b.maxUnflushedBytes = maxUnflushedBytes;
    b.writeStallTimeout = writeStallTimeout;
    b.blockCacheBytes = blockCacheBytes;
    b.diskCacheDirectory = diskCacheDirectory;
    b.diskCacheBytes = diskCacheBytes;
    b.tableOptions = tableOptions;
    b.walOptions = walOptions;
    b.flushOnClose = flushOnClose;
    // What the compaction options took from these (the clock, the operator) goes back to "the
    // database's own", so that changing it in the builder does not read as a conflict.
    b.compaction =
        compaction.toBuilder()
            .clock(compaction.clock() == clock ? null : compaction.clock())
            .mergeOperator(
                compaction.mergeOperator() == mergeOperator ? null : compaction.mergeOperator())
            .build();
    b.clock = clock;
    b.scheduler = scheduler;
    b.background = background;
    b.gc = gc;
    b.listener = listener;
    b.conflictHistoryBytes = conflictHistoryBytes;
    b.mergeOperator = mergeOperator;
    b.defaultTtl = defaultTtl;
    b.allowForeignObjects = allowForeignObjects;
    b.allowInProcessTakeover = allowInProcessTakeover;
    b.bulkLoad = bulkLoad;
    b.warmBlockCacheOnFlush = warmBlockCacheOnFlush;
    return b;
  }

  /** Makes {@link DbOptions}; every setter documents its default on the record. */
  public static final class Builder {
    private long memtableBytes = 64L << 20;
    private long maxUnflushedBytes = 256L << 20;
    private Duration writeStallTimeout = Duration.ofSeconds(30);
    private long blockCacheBytes = 256L << 20;
    private Path diskCacheDirectory;
    private long diskCacheBytes;
    private SstOptions tableOptions = SstOptions.defaults();
    private WalWriterOptions walOptions = WalWriterOptions.defaults();
    private boolean flushOnClose = true;
    private CompactionOptions compaction = CompactionOptions.defaults();
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService scheduler;
    private ScheduledExecutorService background;
    private GcOptions gc = GcOptions.defaults();
    private DbListener listener = DbListener.NONE;
    private long conflictHistoryBytes = 64L << 20;
    private MergeOperator mergeOperator;
    private Duration defaultTtl;
    private boolean allowForeignObjects;
    private boolean allowInProcessTakeover;
    private boolean bulkLoad;
    private boolean warmBlockCacheOnFlush;

    private Builder() {}

    /**
     * Lets {@link Db#open} create the database under a path that already holds objects or files
     * that are not a database's, beside them (default false: refused with {@link
     * dev.shaledb.error.ForeignObjectsException}).
     */
    public Builder allowForeignObjects(boolean value) {
      this.allowForeignObjects = value;
      return this;
    }

    public Builder mergeOperator(MergeOperator value) {
      this.mergeOperator = value;
      return this;
    }

    /** The time to live of puts and merges that give none; null: forever. */
    public Builder defaultTtl(Duration value) {
      this.defaultTtl = value;
      return this;
    }

    public Builder memtableBytes(long value) {
      this.memtableBytes = value;
      return this;
    }

    public Builder maxUnflushedBytes(long value) {
      this.maxUnflushedBytes = value;
      return this;
    }

    public Builder writeStallTimeout(Duration value) {
      this.writeStallTimeout = value;
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

    public Builder tableOptions(SstOptions value) {
      this.tableOptions = value;
      return this;
    }

    public Builder walOptions(WalWriterOptions value) {
      this.walOptions = value;
      return this;
    }

    public Builder flushOnClose(boolean value) {
      this.flushOnClose = value;
      return this;
    }

    public Builder compaction(CompactionOptions value) {
      this.compaction = value;
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

    public Builder background(ScheduledExecutorService value) {
      this.background = value;
      return this;
    }

    public Builder gc(GcOptions value) {
      this.gc = value;
      return this;
    }

    public Builder listener(DbListener value) {
      this.listener = value;
      return this;
    }

    public Builder conflictHistoryBytes(long value) {
      this.conflictHistoryBytes = value;
      return this;
    }

    /**
     * For tests that simulate several processes in one JVM: lets this open take the database over
     * from an open instance on the same store, and lets this instance be abandoned like a crashed
     * process (default false; see {@link DbOptions#allowInProcessTakeover()}).
     */
    public Builder allowInProcessTakeover(boolean value) {
      this.allowInProcessTakeover = value;
      return this;
    }

    /**
     * Bulk-load mode for this open: writes skip the WAL and are durable only once their memtable's
     * flush is published; a crash loses the rest (default false; see {@link DbOptions#bulkLoad()}).
     */
    public Builder bulkLoad(boolean value) {
      this.bulkLoad = value;
      return this;
    }

    /** Whether flushed tables go into the block cache (default false; see the record). */
    public Builder warmBlockCacheOnFlush(boolean value) {
      this.warmBlockCacheOnFlush = value;
      return this;
    }

    public DbOptions build() {
      return new DbOptions(
          memtableBytes,
          maxUnflushedBytes,
          writeStallTimeout,
          blockCacheBytes,
          diskCacheDirectory,
          diskCacheBytes,
          tableOptions,
          walOptions,
          flushOnClose,
          compaction,
          clock,
          scheduler,
          background,
          gc,
          listener,
          conflictHistoryBytes,
          mergeOperator,
          defaultTtl,
          allowForeignObjects,
          allowInProcessTakeover,
          bulkLoad,
          warmBlockCacheOnFlush);
    }
  }
}
