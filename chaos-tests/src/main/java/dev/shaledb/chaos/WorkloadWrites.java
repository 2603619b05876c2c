package dev.shaledb.chaos;

import static dev.shaledb.chaos.KeySpace.bytes;

import dev.shaledb.Db;
import dev.shaledb.WriteBatch;
import dev.shaledb.WriteOptions;
import dev.shaledb.error.FencedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The writes of one workload: durable and non-durable puts and deletes, atomic batches, flushes and
 * short-lived checkpoints, each recorded in the {@link ExpectedState} before the call and ended
 * with its outcome after it. A durable write, a flush or a checkpoint that returned makes every
 * earlier write of the process durable. Values are {@link UniqueValues} of the writer id and this
 * workload's counter. The first failed write ends the process's writes ({@link #failure()}); its
 * keys are then read back on the failed database ({@link FailedWrites}). One put in twenty (in a
 * batch or not) and one merge in ten carry a time to live of a few milliseconds to five minutes; a
 * process with a default TTL gives one to every other put and merge. Not thread-safe, like the
 * workload.
 */
final class WorkloadWrites {
  private static final Duration CHECKPOINT_LIFETIME = Duration.ofSeconds(2);

  private final Db db;
  private final ExpectedState oracle;
  private final Tally tally;
  private final SplittableRandom random;
  private final KeySpace keys;
  private final List<String> faultClasses;
  private final int process;
  private final int writer;
  private final long skew;
  private final long defaultTtl;
  private long counter;
  private boolean bulkLoad;
  private RuntimeException failure;
  private boolean fenced;

  WorkloadWrites(
      Db db,
      ExpectedState oracle,
      Tally tally,
      SplittableRandom random,
      KeySpace keys,
      List<String> faultClasses,
      int process,
      int writer,
      long skewMillis,
      long defaultTtlMillis) {
    this.db = db;
    this.skew = skewMillis;
    this.defaultTtl = defaultTtlMillis;
    this.oracle = oracle;
    this.tally = tally;
    this.random = random;
    this.keys = keys;
    this.faultClasses = List.copyOf(faultClasses);
    this.process = process;
    this.writer = writer;
  }

  /**
   * From now on every write is sent without waiting for durability, as a database in bulk-load mode
   * requires ({@link BulkLoadChaos}); the draws stay those of the ordinary mix.
   */
  void bulkLoad() {
    bulkLoad = true;
  }

  /** The write failure that ended this process's writes, or null. */
  RuntimeException failure() {
    return failure;
  }

  /** Whether a write of this process failed with {@link FencedException}. */
  boolean sawFenced() {
    return fenced;
  }

  /** One put; true if acknowledged (durable) or accepted. */
  boolean put(String key, boolean durable) {
    String id = writer + ":" + counter;
    byte[] value = UniqueValues.encode(writer, counter++, key, padding());
    long ttl = ttl(20);
    WriteBatch batch = new WriteBatch();
    addPut(batch, key, value, ttl);
    Write w = oracle.beginPut(process, key, id, lifetime(ttl), skew);
    return write(List.of(w), durable, batch);
  }

  /** One merge of a unique operand into {@code key}'s value ({@link ChaosMerge}). */
  void merge(String key, boolean durable) {
    String id = writer + ":" + counter;
    byte[] operand = UniqueValues.encode(writer, counter++, key, random.nextInt(20));
    long ttl = ttl(10);
    WriteBatch batch = new WriteBatch();
    if (ttl > 0) {
      batch.merge(bytes(key), operand, Duration.ofMillis(ttl));
    } else {
      batch.merge(bytes(key), operand);
    }
    Write w = oracle.beginMerge(process, key, id, lifetime(ttl), skew);
    tally.inc(Stat.MERGES);
    write(List.of(w), durable, batch);
  }

  /**
   * A time to live for one write in {@code oneIn} (0 for none, one draw then): half of them up to
   * two seconds, which the workload's own steps outlive, half up to five minutes, which only the
   * clock's jumps do (one more draw for which, one for how long).
   */
  private long ttl(int oneIn) {
    if (random.nextInt(oneIn) != 0) {
      return 0;
    }
    return random.nextBoolean() ? 1 + random.nextInt(2_000) : random.nextLong(2_000, 300_001);
  }

  /** What a write with {@code ttl} (0: none of its own) lives: its own TTL or the default. */
  private long lifetime(long ttl) {
    long effective = ttl > 0 ? ttl : defaultTtl;
    if (effective > 0) {
      tally.inc(Stat.TTL_WRITES);
    }
    return effective;
  }

  private static void addPut(WriteBatch batch, String key, byte[] value, long ttl) {
    if (ttl > 0) {
      batch.put(bytes(key), value, Duration.ofMillis(ttl));
    } else {
      batch.put(bytes(key), value);
    }
  }

  void delete(String key, boolean durable) {
    Write w = oracle.beginDelete(process, key);
    write(List.of(w), durable, new WriteBatch().delete(bytes(key)));
  }

  /**
   * A range delete of one to eight consecutive keys from a random one: to the oracle, an atomic
   * delete of every key of the workload's key space in the range (no other keys sort between them).
   */
  void rangeDelete(boolean durable) {
    int from = keys.randomIndex();
    int width = 1 + random.nextInt(8);
    List<Write> writes = new ArrayList<>();
    for (int i = from; i < Math.min(from + width, keys.size()); i++) {
      writes.add(oracle.beginDelete(process, KeySpace.key(i)));
    }
    tally.inc(Stat.RANGE_DELETES);
    write(
        writes,
        durable,
        new WriteBatch().deleteRange(bytes(KeySpace.key(from)), bytes(KeySpace.key(from + width))));
  }

  /** An atomic batch of one to five random keys, a quarter of them deletes. */
  void batch(boolean durable) {
    Map<String, Boolean> chosen = new LinkedHashMap<>();
    for (int i = 1 + random.nextInt(5); i > 0; i--) {
      chosen.put(keys.randomKey(), random.nextInt(4) == 0);
    }
    WriteBatch batch = new WriteBatch();
    List<Write> writes = new ArrayList<>();
    for (Map.Entry<String, Boolean> e : chosen.entrySet()) {
      String key = e.getKey();
      if (e.getValue()) {
        writes.add(oracle.beginDelete(process, key));
        batch.delete(bytes(key));
      } else {
        String id = writer + ":" + counter;
        long ttl = ttl(20);
        addPut(batch, key, UniqueValues.encode(writer, counter++, key, padding()), ttl);
        writes.add(oracle.beginPut(process, key, id, lifetime(ttl), skew));
      }
    }
    write(writes, durable, batch);
  }

  private boolean write(List<Write> writes, boolean drawnDurable, WriteBatch batch) {
    boolean durable = drawnDurable && !bulkLoad;
    tally.inc(Stat.WRITES_ATTEMPTED);
    long began = writes.get(0).invoke;
    long start = System.nanoTime();
    try {
      db.write(batch, durable ? WriteOptions.durable() : WriteOptions.noWait());
    } catch (RuntimeException e) {
      oracle.end(writes, ExpectedState.Outcome.FAILED);
      tally.inc(Causes.isUnknown(e) ? Stat.WRITES_UNKNOWN : Stat.WRITES_FAILED);
      fenced |= Causes.causedBy(e, FencedException.class);
      failure = e;
      FailedWrites.readBack(db, oracle, tally, process, skew, writes, e);
      return false;
    }
    if (durable) {
      tally.ackLatency(faultClasses, System.nanoTime() - start);
      oracle.end(writes, ExpectedState.Outcome.DURABLE);
      oracle.durableBefore(process, began);
      tally.inc(Stat.WRITES_ACKED);
    } else {
      oracle.end(writes, ExpectedState.Outcome.ACCEPTED);
      tally.inc(Stat.WRITES_ACCEPTED);
    }
    return true;
  }

  void flush() {
    long began = oracle.tick();
    try {
      db.flush();
      oracle.durableBefore(process, began);
      if (bulkLoad) {
        tally.inc(Stat.BULK_LOAD_FLUSHES);
      }
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  /**
   * A short-lived checkpoint (the writer's GC removes it once expired). It flushes the memtables
   * first, so every write that returned before it is durable once it returns.
   */
  void checkpoint() {
    long began = oracle.tick();
    try {
      db.createCheckpoint("chaos-" + writer + "-" + counter, CHECKPOINT_LIFETIME);
      oracle.durableBefore(process, began);
      tally.inc(Stat.CHECKPOINTS);
    } catch (RuntimeException e) {
      // A failed checkpoint changes no data; a failure that ended the writer ends the next write.
    }
  }

  private int padding() {
    // Mostly small; sometimes large enough to fill a WAL object or a table block by itself.
    return random.nextInt(10) == 0 ? random.nextInt(2000) : random.nextInt(40);
  }
}
