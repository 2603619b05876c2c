package dev.shaledb;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;

/**
 * How compaction merges tables; see docs/compaction.md for the strategy and what each knob trades.
 * Immutable; make one with {@link #builder()} or take {@link #defaults()}.
 *
 * @param enabled whether a {@link Db} compacts in its own process (default true). Turn it off when
 *     a {@link Compactor} runs elsewhere: every compactor open fences the previous compactor
 * @param l0Trigger L0 tables that start an L0 compaction (default 4)
 * @param maxL0PerJob the most L0 tables one L0 compaction takes (default 16)
 * @param l0SlowdownTables from this many L0 tables on, writers are paced to the rate flushes drain
 *     at, slower as L0 nears {@code l0StopTables} (default 12)
 * @param l0StopTables at this many L0 tables, flushes wait for compaction, so memtables fill and
 *     writes block under the memory budget (default 24)
 * @param baseRunBytes runs up to this size form the smallest size tier (default 256 MiB)
 * @param tierFanout each size tier holds runs up to this many times larger than the previous
 *     (default 10)
 * @param tierMergeWidth the runs of one size tier merge once the tier holds this many next to each
 *     other (default 4): wider means fewer rewrites of each byte and more runs for reads to merge;
 *     2 merges every new run into the one below it at once, rewriting the growing run each time
 * @param maxSpaceAmplification when the runs above the oldest hold more than {@code (this - 1)}
 *     times the oldest run's bytes, all runs are merged into one (default 1.25)
 * @param maxRuns more runs than this are merged even if their sizes do not ask for it (default 8);
 *     beyond it writers are paced, slower as the runs near twice this (docs/compaction.md,
 *     "Backpressure"), and one run job more than {@code maxConcurrentJobs} may run
 * @param targetTableBytes compaction output is cut into tables of about this size (default 32 MiB)
 * @param subcompactions key ranges one compaction splits into and merges in parallel (default 2)
 * @param maxUploadsPerPart output tables of one key range that upload at once while the next is
 *     built (default 4): the merge waits for an upload only when this many are in flight. A range
 *     holds up to this plus one tables of {@code targetTableBytes} in memory, a job {@code
 *     subcompactions} times that (320 MiB with the defaults, reached only when uploads lag the
 *     merge); 1 uploads one table while the next is built
 * @param maxConcurrentJobs compactions running at once, besides one L0 compaction that never waits
 *     for them (default 1), and one more while the runs exceed {@code maxRuns}
 * @param pollInterval how often a standalone {@link Compactor} probes for a new manifest (default 1
 *     s); a compactor inside a {@link Db} is told directly and does not poll
 * @param mergeOperator folds merge operands that no snapshot needs apart into one value (default
 *     null: operands are kept as written); a {@link Db} sets it to {@link
 *     DbOptions#mergeOperator()}
 * @param compactionFilter decides, for each value no snapshot needs in its old form, whether to
 *     keep, remove or rewrite it (default null: none); see {@link CompactionFilter}
 * @param expiryGrace an expired value is removed by compaction only once it expired at least this
 *     long ago by the compactor's clock, so a reader whose clock lags the compactor's by less never
 *     sees a value vanish before its expiry by its own clock (default 1 minute; readers hide
 *     expired values themselves at once)
 * @param clock the clock a standalone {@link Compactor} decides expiry and names its tables by
 *     (default null: the system UTC clock); a {@link Db} sets it to {@link DbOptions#clock()} and
 *     refuses a different one, so that one process has one time
 * @param rewriteBorrowedTables whether a clone rewrites the tables it shares with its source into
 *     its own when nothing else is to be done, so that it stops depending on the source and its
 *     garbage collector releases the checkpoint it holds there (default false: shared tables are
 *     rewritten only when ordinary compaction merges them, which shares the most; docs/gc.md,
 *     "Clones")
 * @param warmBlockCache whether compaction outputs go into the block cache as they are written
 *     (default false), so reads right after a compaction cost no GET. Every compacted byte then
 *     passes through the cache: during a sustained ingest several times the write rate (on two
 *     cores, 35.0 MB/s warming flushes and compactions, 38.6 flushes only, 44.2 neither:
 *     docs/benchmarks.md, issue 21 profile). Only useful where the compaction runs in the reading
 *     process; flushed tables: {@link DbOptions#warmBlockCacheOnFlush()}
 */
public record CompactionOptions(
    boolean enabled,
    int l0Trigger,
    int maxL0PerJob,
    int l0SlowdownTables,
    int l0StopTables,
    long baseRunBytes,
    int tierFanout,
    int tierMergeWidth,
    double maxSpaceAmplification,
    int maxRuns,
    long targetTableBytes,
    int subcompactions,
    int maxUploadsPerPart,
    int maxConcurrentJobs,
    Duration pollInterval,
    MergeOperator mergeOperator,
    CompactionFilter compactionFilter,
    Duration expiryGrace,
    Clock clock,
    boolean rewriteBorrowedTables,
    boolean warmBlockCache) {

  public CompactionOptions {
    atLeast(l0Trigger, 2, "l0Trigger");
    atLeast(maxL0PerJob, l0Trigger, "maxL0PerJob");
    atLeast(l0SlowdownTables, l0Trigger, "l0SlowdownTables");
    atLeast(l0StopTables, l0SlowdownTables + 1, "l0StopTables");
    if (baseRunBytes < 1) {
      throw new IllegalArgumentException("baseRunBytes is not positive: " + baseRunBytes);
    }
    atLeast(tierFanout, 2, "tierFanout");
    atLeast(tierMergeWidth, 2, "tierMergeWidth");
    if (!(maxSpaceAmplification > 1.0)) {
      throw new IllegalArgumentException(
          "maxSpaceAmplification is not above 1.0: " + maxSpaceAmplification);
    }
    atLeast(maxRuns, 2, "maxRuns");
    if (targetTableBytes < 1024) {
      throw new IllegalArgumentException("targetTableBytes is below 1024: " + targetTableBytes);
    }
    atLeast(subcompactions, 1, "subcompactions");
    atLeast(maxUploadsPerPart, 1, "maxUploadsPerPart");
    atLeast(maxConcurrentJobs, 1, "maxConcurrentJobs");
    requireNonNull(pollInterval, "pollInterval is null");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval is not positive: " + pollInterval);
    }
    requireNonNull(expiryGrace, "expiryGrace is null");
    if (expiryGrace.isNegative()) {
      throw new IllegalArgumentException("expiryGrace is negative: " + expiryGrace);
    }
  }

  private static void atLeast(long value, long min, String name) {
    if (value < min) {
      throw new IllegalArgumentException(name + " is " + value + ", below " + min);
    }
  }

  /** The documented defaults. */
  public static CompactionOptions defaults() {
    return builder().build();
  }

  /** Compaction off in the writer's process (run a {@link Compactor} elsewhere). */
  public static CompactionOptions disabled() {
    return builder().enabled(false).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return builder()
        .enabled(enabled)
        .l0Trigger(l0Trigger)
        .maxL0PerJob(maxL0PerJob)
        .l0SlowdownTables(l0SlowdownTables)
        .l0StopTables(l0StopTables)
        .baseRunBytes(baseRunBytes)
        .tierFanout(tierFanout)
        .tierMergeWidth(tierMergeWidth)
        .maxSpaceAmplification(maxSpaceAmplification)
        .maxRuns(maxRuns)
        .targetTableBytes(targetTableBytes)
        .subcompactions(subcompactions)
        .maxUploadsPerPart(maxUploadsPerPart)
        .maxConcurrentJobs(maxConcurrentJobs)
        .pollInterval(pollInterval)
        .mergeOperator(mergeOperator)
        .compactionFilter(compactionFilter)
        .expiryGrace(expiryGrace)
        .clock(clock)
        .rewriteBorrowedTables(rewriteBorrowedTables)
        .warmBlockCache(warmBlockCache);
  }

  /** Makes {@link CompactionOptions}; the record documents each default. */
  public static final class Builder {
    private boolean enabled = true;
    private int l0Trigger = 4;
    private int maxL0PerJob = 16;
    private int l0SlowdownTables = 12;
    private int l0StopTables = 24;
    private long baseRunBytes = 256L << 20;
    private int tierFanout = 10;
    private int tierMergeWidth = 4;
    private double maxSpaceAmplification = 1.25;
    private int maxRuns = 8;
    private long targetTableBytes = 32L << 20;
    private int subcompactions = 2;
    private int maxUploadsPerPart = 4;
    private int maxConcurrentJobs = 1;
    private Duration pollInterval = Duration.ofSeconds(1);
    private MergeOperator mergeOperator;
    private CompactionFilter compactionFilter;
    private Duration expiryGrace = Duration.ofMinutes(1);
    private Clock clock;
    private boolean rewriteBorrowedTables;
    private boolean warmBlockCache;

    private Builder() {}

    public Builder mergeOperator(MergeOperator value) {
      mergeOperator = value;
      return this;
    }

    public Builder compactionFilter(CompactionFilter value) {
      compactionFilter = value;
      return this;
    }

    public Builder clock(Clock value) {
      clock = value;
      return this;
    }

    public Builder expiryGrace(Duration value) {
      expiryGrace = value;
      return this;
    }

    public Builder enabled(boolean value) {
      enabled = value;
      return this;
    }

    public Builder l0Trigger(int value) {
      l0Trigger = value;
      return this;
    }

    public Builder maxL0PerJob(int value) {
      maxL0PerJob = value;
      return this;
    }

    public Builder l0SlowdownTables(int value) {
      l0SlowdownTables = value;
      return this;
    }

    public Builder l0StopTables(int value) {
      l0StopTables = value;
      return this;
    }

    public Builder baseRunBytes(long value) {
      baseRunBytes = value;
      return this;
    }

    public Builder tierFanout(int value) {
      tierFanout = value;
      return this;
    }

    public Builder tierMergeWidth(int value) {
      tierMergeWidth = value;
      return this;
    }

    public Builder maxSpaceAmplification(double value) {
      maxSpaceAmplification = value;
      return this;
    }

    public Builder maxRuns(int value) {
      maxRuns = value;
      return this;
    }

    public Builder targetTableBytes(long value) {
      targetTableBytes = value;
      return this;
    }

    public Builder subcompactions(int value) {
      subcompactions = value;
      return this;
    }

    public Builder maxUploadsPerPart(int value) {
      maxUploadsPerPart = value;
      return this;
    }

    public Builder maxConcurrentJobs(int value) {
      maxConcurrentJobs = value;
      return this;
    }

    public Builder pollInterval(Duration value) {
      pollInterval = value;
      return this;
    }

    public Builder rewriteBorrowedTables(boolean value) {
      rewriteBorrowedTables = value;
      return this;
    }

    public Builder warmBlockCache(boolean value) {
      warmBlockCache = value;
      return this;
    }

    public CompactionOptions build() {
      return new CompactionOptions(
          enabled,
          l0Trigger,
          maxL0PerJob,
          l0SlowdownTables,
          l0StopTables,
          baseRunBytes,
          tierFanout,
          tierMergeWidth,
          maxSpaceAmplification,
          maxRuns,
          targetTableBytes,
          subcompactions,
          maxUploadsPerPart,
          maxConcurrentJobs,
          pollInterval,
          mergeOperator,
          compactionFilter,
          expiryGrace,
          clock,
          rewriteBorrowedTables,
          warmBlockCache);
    }
  }
}
