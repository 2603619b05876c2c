package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import dev.shaledb.Db;
import dev.shaledb.DbReader;
import dev.shaledb.error.FencedException;
import dev.shaledb.objectstore.ObjectStore;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The oracle workload on one process: each {@link #step()} draws one random operation, a write
 * ({@link WorkloadWrites}: durable and non-durable puts, deletes, atomic batches, flushes,
 * checkpoints), a checked read ({@link WorkloadReads}: get, multiGet, durable-only get, scan,
 * snapshot reads, a {@link DbReader} of the store) or a held iterator ({@link HeldIterators}), each
 * recorded in the {@link ExpectedState} and each read checked against it ({@link ReadChecks}). The
 * operation mix lives here and only here; the draws of a step are those of the operation it picks,
 * in order, so a seed replays the same history. Several workloads may run on one process, one
 * thread each; a workload itself is not thread-safe.
 */
public final class Workload {
  private final Tally tally;
  private final SplittableRandom random;
  private final KeySpace keys;
  private final ReadChecks checks;
  private final WorkloadWrites writes;
  private final WorkloadReads reads;
  private final HeldIterators held;

  private final ChaosTime time;

  /** A workload without stalls, {@link DbReader} reads or times to live. */
  public Workload(
      ExpectedState oracle,
      Tally tally,
      SplittableRandom random,
      int keys,
      List<String> faultClasses,
      int process,
      int writer,
      Db db) {
    this(
        oracle,
        tally,
        random,
        keys,
        faultClasses,
        process,
        writer,
        db,
        Stalls.none(),
        null,
        null,
        Timing.NONE);
  }

  /**
   * The time a workload's process lives in: the seed's {@link ChaosTime} (null: none, and no write
   * has a time to live), the skew of the process's clock from it, and the process's default time to
   * live in milliseconds (0 for none).
   */
  public record Timing(ChaosTime time, long skewMillis, long defaultTtlMillis) {
    public static final Timing NONE = new Timing(null, 0, 0);
  }

  /**
   * A workload whose held iterators live across a GC run of {@code stalls}, whose {@link DbReader}
   * reads (none if {@code readerStore} is null) open on {@code readerStore} at {@code path}, and
   * whose steps move {@code timing}'s time: one in twenty puts and one in ten merges then carry a
   * time to live ({@link WorkloadWrites}).
   */
  public Workload(
      ExpectedState oracle,
      Tally tally,
      SplittableRandom random,
      int keys,
      List<String> faultClasses,
      int process,
      int writer,
      Db db,
      Stalls stalls,
      ObjectStore readerStore,
      String path,
      Timing timing) {
    requireNonNull(oracle, "oracle is null");
    requireNonNull(timing, "timing is null");
    this.time = timing.time();
    requireNonNull(db, "db is null");
    requireNonNull(stalls, "stalls is null");
    this.tally = requireNonNull(tally, "tally is null");
    this.random = requireNonNull(random, "random is null");
    this.keys = new KeySpace(random, keys);
    this.checks = new ReadChecks(oracle, tally, process, timing.skewMillis());
    this.writes =
        new WorkloadWrites(
            db,
            oracle,
            tally,
            random,
            this.keys,
            faultClasses,
            process,
            writer,
            time == null ? 0 : timing.skewMillis(),
            time == null ? 0 : timing.defaultTtlMillis());
    // Its own generator, seeded from what the history already fixed: no extra draws of random.
    ScanShapes shapes = new ScanShapes(((long) process << 32) ^ writer ^ 0x9E3779B97F4A7C15L);
    this.reads =
        new WorkloadReads(
            db, oracle, random, this.keys, shapes, checks, writes, readerStore, path, time);
    this.held =
        new HeldIterators(db, oracle, tally, stalls, random, shapes, keys, process, writer, checks);
  }

  /**
   * Turns off read checks: a fenced zombie legitimately reads its own stale memory, which would be
   * counted as stale reads.
   */
  public void skipReadChecks() {
    checks.skip();
  }

  /**
   * Sends every write without waiting for durability, for a process in bulk-load mode, which
   * refuses durable writes ({@link BulkLoadChaos}); the operation mix and its draws are unchanged.
   */
  public Workload bulkLoad() {
    writes.bulkLoad();
    return this;
  }

  /** The write failure that ended this process's writes, or null. */
  public RuntimeException writeFailure() {
    return writes.failure();
  }

  /** Whether a write of this process failed with {@link FencedException}. */
  public boolean sawFenced() {
    return writes.sawFenced();
  }

  /**
   * Runs one random operation; false once a write failed (the database accepts no more). A held
   * iterator is read to the end once its operations are used up.
   */
  public boolean step() {
    tally.inc(Stat.OPS_ATTEMPTED);
    if (time != null) {
      time.step();
    }
    int op = random.nextInt(1000);
    if (op < 270) {
      writes.put(keys.randomKey(), true);
    } else if (op < 300) {
      writes.merge(keys.randomKey(), true);
    } else if (op < 450) {
      writes.put(keys.randomKey(), false);
    } else if (op < 480) {
      writes.merge(keys.randomKey(), false);
    } else if (op < 540) {
      writes.delete(keys.randomKey(), random.nextBoolean());
    } else if (op < 560) {
      writes.rangeDelete(random.nextBoolean());
    } else if (op < 660) {
      writes.batch(random.nextBoolean());
    } else if (op < 770) {
      reads.get(keys.randomKey());
    } else if (op < 790) {
      reads.multiGet();
    } else if (op < 825) {
      reads.durableGet(keys.randomKey());
    } else if (op < 830) {
      reads.readerReads();
    } else if (op < 840) {
      writes.checkpoint();
    } else if (op < 900) {
      reads.scan();
    } else if (op < 910) {
      held.hold();
    } else if (op < 950) {
      reads.snapshotReads();
    } else {
      writes.flush();
    }
    held.holding();
    return writes.failure() == null;
  }

  /** One put outside the random mix; true if acknowledged (durable) or accepted. */
  public boolean put(String key, boolean durable) {
    return writes.put(key, durable);
  }

  /**
   * Reads the held iterator to the end, if one is open, and checks it. Call before the process ends
   * (the harness does, at the end of each cycle), so no iterator outlives its database.
   */
  public void finishHeld() {
    held.finish();
  }
}
