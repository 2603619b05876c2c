package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import dev.shaledb.Db;
import dev.shaledb.DbIterator;
import dev.shaledb.KeyValue;
import dev.shaledb.ReadOptions;
import dev.shaledb.Snapshot;
import dev.shaledb.WriteBatch;
import dev.shaledb.WriteOptions;
import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.FencedException;
import dev.shaledb.error.OutcomeUnknownException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The random operations of the oracle workload on one process: durable and non-durable puts,
 * deletes, atomic batches, flushes, and reads by get, scan and snapshot, each recorded in the
 * {@link ExpectedState} and each read checked against it. Values are {@link UniqueValues} of a
 * writer id (unique per workload) and a per-workload counter. Several workloads may run on one
 * process, one thread each; a workload itself is not thread-safe.
 */
public final class Workload {
  private static final Duration CHECKPOINT_LIFETIME = Duration.ofSeconds(2);

  private final ExpectedState oracle;
  private final Tally tally;
  private final SplittableRandom random;
  private final int keys;
  private final List<String> faultClasses;
  private final int process;
  private final int writer;
  private final Db db;
  private long counter;
  private boolean checkReads = true;
  private RuntimeException writeFailure;
  private boolean fenced;

  public Workload(
      ExpectedState oracle,
      Tally tally,
      SplittableRandom random,
      int keys,
      List<String> faultClasses,
      int process,
      int writer,
      Db db) {
    this.oracle = requireNonNull(oracle, "oracle is null");
    this.tally = requireNonNull(tally, "tally is null");
    this.random = requireNonNull(random, "random is null");
    this.keys = keys;
    this.faultClasses = List.copyOf(faultClasses);
    this.process = process;
    this.writer = writer;
    this.db = requireNonNull(db, "db is null");
  }

  /** The key with index {@code i}. */
  public static String key(int i) {
    return String.format("k%04d", i);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Turns off read checks: a fenced zombie legitimately reads its own stale memory, which would be
   * counted as stale reads.
   */
  public void skipReadChecks() {
    checkReads = false;
  }

  /** The write failure that ended this process's writes, or null. */
  public RuntimeException writeFailure() {
    return writeFailure;
  }

  /** Whether a write of this process failed with {@link FencedException}. */
  public boolean sawFenced() {
    return fenced;
  }

  /** Runs one random operation; false once a write failed (the database accepts no more). */
  public boolean step() {
    tally.inc(Stat.OPS_ATTEMPTED);
    int op = random.nextInt(100);
    if (op < 30) {
      put(randomKey(), true);
    } else if (op < 48) {
      put(randomKey(), false);
    } else if (op < 56) {
      delete(randomKey(), random.nextBoolean());
    } else if (op < 66) {
      batch(random.nextBoolean());
    } else if (op < 83) {
      get(randomKey());
    } else if (op < 84) {
      checkpoint();
    } else if (op < 91) {
      scan();
    } else if (op < 95) {
      snapshotReads();
    } else {
      flush();
    }
    return writeFailure == null;
  }

  /** One durable put; true if acknowledged. */
  public boolean put(String key, boolean durable) {
    String id = writer + ":" + counter;
    byte[] value = UniqueValues.encode(writer, counter++, key, padding());
    ExpectedState.Write w = oracle.beginPut(process, key, id);
    return write(List.of(w), durable, new WriteBatch().put(bytes(key), value));
  }

  private void delete(String key, boolean durable) {
    ExpectedState.Write w = oracle.beginDelete(process, key);
    write(List.of(w), durable, new WriteBatch().delete(bytes(key)));
  }

  private void batch(boolean durable) {
    Map<String, Boolean> chosen = new LinkedHashMap<>();
    for (int i = 1 + random.nextInt(5); i > 0; i--) {
      chosen.put(randomKey(), random.nextInt(4) == 0);
    }
    WriteBatch batch = new WriteBatch();
    List<ExpectedState.Write> writes = new ArrayList<>();
    for (Map.Entry<String, Boolean> e : chosen.entrySet()) {
      String key = e.getKey();
      if (e.getValue()) {
        writes.add(oracle.beginDelete(process, key));
        batch.delete(bytes(key));
      } else {
        String id = writer + ":" + counter;
        batch.put(bytes(key), UniqueValues.encode(writer, counter++, key, padding()));
        writes.add(oracle.beginPut(process, key, id));
      }
    }
    write(writes, durable, batch);
  }

  private boolean write(List<ExpectedState.Write> writes, boolean durable, WriteBatch batch) {
    tally.inc(Stat.WRITES_ATTEMPTED);
    long began = writes.get(0).invoke;
    long start = System.nanoTime();
    try {
      db.write(batch, durable ? WriteOptions.durable() : WriteOptions.noWait());
    } catch (RuntimeException e) {
      oracle.end(writes, ExpectedState.Outcome.FAILED);
      tally.inc(isUnknown(e) ? Stat.WRITES_UNKNOWN : Stat.WRITES_FAILED);
      fenced |= causedBy(e, FencedException.class);
      writeFailure = e;
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

  private void flush() {
    long began = oracle.tick();
    try {
      db.flush();
      oracle.durableBefore(process, began);
    } catch (RuntimeException e) {
      writeFailure = e;
    }
  }

  /**
   * A short-lived checkpoint (the writer's GC removes it once expired). It flushes the memtables
   * first, so every write that returned before it is durable once it returns.
   */
  private void checkpoint() {
    long began = oracle.tick();
    try {
      db.createCheckpoint("chaos-" + writer + "-" + counter, CHECKPOINT_LIFETIME);
      oracle.durableBefore(process, began);
      tally.inc(Stat.CHECKPOINTS);
    } catch (RuntimeException e) {
      // A failed checkpoint changes no data; a failure that ended the writer ends the next write.
    }
  }

  private void get(String key) {
    long threshold = oracle.readStart(key);
    byte[] value;
    try {
      value = db.get(bytes(key));
    } catch (RuntimeException e) {
      readFailed(e);
      return;
    }
    check(key, value, threshold);
  }

  private void scan() {
    int from = random.nextInt(keys);
    int to = Math.min(keys, from + 1 + random.nextInt(20));
    long[] thresholds = new long[to - from];
    for (int i = from; i < to; i++) {
      thresholds[i - from] = oracle.readStart(key(i));
    }
    Map<String, byte[]> seen = new LinkedHashMap<>();
    try (DbIterator it = db.scan(bytes(key(from)), bytes(key(to)))) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        seen.put(new String(kv.key(), StandardCharsets.UTF_8), kv.value());
      }
    } catch (RuntimeException e) {
      readFailed(e);
      return;
    }
    for (int i = from; i < to; i++) {
      check(key(i), seen.remove(key(i)), thresholds[i - from]);
    }
    for (String stray : seen.keySet()) {
      report(new ExpectedState.Finding(ExpectedState.Violation.PHANTOM_VALUE, stray, "scan"));
    }
  }

  private void snapshotReads() {
    String[] picked = new String[5];
    long[] thresholds = new long[picked.length];
    for (int i = 0; i < picked.length; i++) {
      picked[i] = randomKey();
      thresholds[i] = oracle.readStart(picked[i]);
    }
    try (Snapshot snapshot = db.snapshot()) {
      ReadOptions at = ReadOptions.defaults().withSnapshot(snapshot);
      // Writes after the snapshot must not show through it; they are ordinary writes otherwise.
      put(randomKey(), false);
      for (int i = 0; i < picked.length; i++) {
        check(picked[i], db.get(bytes(picked[i]), at), thresholds[i]);
      }
    } catch (RuntimeException e) {
      readFailed(e);
    }
  }

  private void check(String key, byte[] value, long threshold) {
    tally.inc(Stat.READS);
    if (!checkReads) {
      return;
    }
    ExpectedState.Finding f = oracle.checkRead(key, value, threshold);
    if (f != null) {
      report(f);
    }
  }

  private void report(ExpectedState.Finding f) {
    if (f.violation() == ExpectedState.Violation.PHANTOM_VALUE) {
      tally.inc(Stat.CORRUPT_DATA_RETURNED);
    } else {
      tally.inc(Stat.STALE_READS);
    }
    tally.finding("read by process " + process + ": " + f);
  }

  private void readFailed(RuntimeException e) {
    tally.inc(Stat.READ_ERRORS);
    if (causedBy(e, CorruptObjectException.class)) {
      tally.inc(Stat.CORRUPTION_SURFACED);
    }
  }

  private String randomKey() {
    return key(random.nextInt(keys));
  }

  private int padding() {
    // Mostly small; sometimes large enough to fill a WAL object or a table block by itself.
    return random.nextInt(10) == 0 ? random.nextInt(2000) : random.nextInt(40);
  }

  static boolean isUnknown(Throwable e) {
    return causedBy(e, OutcomeUnknownException.class);
  }

  static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
