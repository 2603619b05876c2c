package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import dev.shaledb.Db;
import dev.shaledb.DbReader;
import dev.shaledb.DbReaderOptions;
import dev.shaledb.ReadOptions;
import dev.shaledb.Snapshot;
import dev.shaledb.WriteBatch;
import dev.shaledb.WriteOptions;
import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.FencedException;
import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.error.SnapshotTooOldException;
import dev.shaledb.objectstore.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The random operations of the oracle workload on one process: durable and non-durable puts,
 * deletes, atomic batches, flushes, and reads by get, multiGet (also through a snapshot and a
 * DbReader), durable-only get, scan, snapshot, a {@link DbReader} of the store (another process)
 * and held iterators, each recorded in the {@link ExpectedState} and each read checked against it.
 * A held iterator is opened (sometimes under a snapshot), read a little, kept open across later
 * operations, a flush and a minAge-zero GC run, then read to the end. After a failed write its keys
 * are read back on the failed database, which must not show it. Values are {@link UniqueValues} of
 * a writer id (unique per workload) and a per-workload counter. Several workloads may run on one
 * process, one thread each; a workload itself is not thread-safe.
 */
public final class Workload {
  private static final Duration CHECKPOINT_LIFETIME = Duration.ofSeconds(2);
  private static final ReadOptions DURABLE_ONLY = ReadOptions.defaults().withDurableOnly(true);

  /** A reader that moves only when opened; small cache, no polling thread. */
  private static final DbReaderOptions READER =
      DbReaderOptions.builder().pollInterval(Duration.ZERO).blockCacheBytes(64 << 10).build();

  private final ExpectedState oracle;
  private final Tally tally;
  private final SplittableRandom random;
  private final int keys;
  private final List<String> faultClasses;
  private final int process;
  private final int writer;
  private final Db db;
  private final Stalls stalls;
  private final ObjectStore readerStore;
  private final String path;
  private long counter;
  private boolean checkReads = true;
  private RuntimeException writeFailure;
  private boolean fenced;
  private final HeldIterators held;
  private final ScanShapes shapes;

  /** A workload without stalls or {@link DbReader} reads. */
  public Workload(
      ExpectedState oracle,
      Tally tally,
      SplittableRandom random,
      int keys,
      List<String> faultClasses,
      int process,
      int writer,
      Db db) {
    this(oracle, tally, random, keys, faultClasses, process, writer, db, Stalls.none(), null, null);
  }

  /**
   * A workload whose held iterators live across a GC run of {@code stalls}, and whose {@link
   * DbReader} reads (none if {@code readerStore} is null) open on {@code readerStore} at {@code
   * path}.
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
      String path) {
    this.oracle = requireNonNull(oracle, "oracle is null");
    this.tally = requireNonNull(tally, "tally is null");
    this.random = requireNonNull(random, "random is null");
    this.keys = keys;
    this.faultClasses = List.copyOf(faultClasses);
    this.process = process;
    this.writer = writer;
    this.db = requireNonNull(db, "db is null");
    this.stalls = requireNonNull(stalls, "stalls is null");
    this.readerStore = readerStore;
    this.path = path;
    // Its own generator, seeded from what the history already fixed: no extra draws of random.
    this.shapes = new ScanShapes(((long) process << 32) ^ writer ^ 0x9E3779B97F4A7C15L);
    this.held =
        new HeldIterators(
            db, oracle, tally, stalls, random, shapes, keys, process, writer, this::readFailed);
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
    held.skipChecks();
  }

  /** The write failure that ended this process's writes, or null. */
  public RuntimeException writeFailure() {
    return writeFailure;
  }

  /** Whether a write of this process failed with {@link FencedException}. */
  public boolean sawFenced() {
    return fenced;
  }

  /**
   * Runs one random operation; false once a write failed (the database accepts no more). A held
   * iterator is read to the end once its operations are used up.
   */
  public boolean step() {
    tally.inc(Stat.OPS_ATTEMPTED);
    int op = random.nextInt(1000);
    if (op < 300) {
      put(randomKey(), true);
    } else if (op < 480) {
      put(randomKey(), false);
    } else if (op < 560) {
      delete(randomKey(), random.nextBoolean());
    } else if (op < 660) {
      batch(random.nextBoolean());
    } else if (op < 770) {
      get(randomKey());
    } else if (op < 790) {
      multiGet();
    } else if (op < 825) {
      durableGet(randomKey());
    } else if (op < 830) {
      readerReads();
    } else if (op < 840) {
      checkpoint();
    } else if (op < 900) {
      scan();
    } else if (op < 910) {
      held.hold();
    } else if (op < 950) {
      snapshotReads();
    } else {
      flush();
    }
    held.holding();
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
      FailedWrites.readBack(db, oracle, tally, process, writes, e);
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
    check(key, value, threshold, "get");
  }

  /**
   * A multiGet of up to eight random keys (repeats possible), each held to what a get of it is: a
   * multiGet must be at least as fresh as its start for every key it reads.
   */
  private void multiGet() {
    String[] picked = new String[1 + random.nextInt(8)];
    long[] thresholds = new long[picked.length];
    for (int i = 0; i < picked.length; i++) {
      picked[i] = randomKey();
      thresholds[i] = oracle.readStart(picked[i]);
    }
    List<byte[]> values;
    try {
      values = db.multiGet(keyBytes(picked));
    } catch (RuntimeException e) {
      readFailed(e);
      return;
    }
    for (int i = 0; i < picked.length; i++) {
      check(picked[i], values.get(i), thresholds[i], "multiGet");
    }
  }

  private static List<byte[]> keyBytes(String[] keys) {
    List<byte[]> list = new ArrayList<>();
    for (String k : keys) {
      list.add(bytes(k));
    }
    return list;
  }

  /**
   * A durable-only get: it must show every acknowledged write (as any read) and nothing that a
   * recovery would not, so what it returns is held to durability from then on.
   */
  private void durableGet(String key) {
    long threshold = oracle.readStart(key);
    byte[] value;
    try {
      value = db.get(bytes(key), DURABLE_ONLY);
    } catch (RuntimeException e) {
      readFailed(e);
      return;
    }
    if (!checkReads) {
      return;
    }
    tally.inc(Stat.DURABLE_READS);
    ExpectedState.Finding f = oracle.checkDurableRead(process, key, value, threshold);
    if (f != null) {
      tally.inc(Stat.DURABLE_READS_WRONG);
      tally.finding("durable-only read by process " + process + ": " + f);
    }
  }

  /**
   * A {@link DbReader} opened on the store now (another process, without faults, maybe stalling in
   * its catch-up): it shows the durable state, so every write acknowledged before it opened.
   */
  private void readerReads() {
    if (readerStore == null) {
      return;
    }
    int from = random.nextInt(keys);
    int to = Math.min(keys, from + 1 + random.nextInt(8));
    long[] thresholds = new long[to - from];
    for (int i = from; i < to; i++) {
      thresholds[i - from] = oracle.readStart(key(i));
    }
    byte[] got;
    List<byte[]> many;
    ScanShapes.Read read;
    try (DbReader reader = DbReader.open(readerStore, path, READER)) {
      got = reader.get(bytes(key(from)));
      String[] range = new String[to - from];
      for (int i = from; i < to; i++) {
        range[i - from] = key(i);
      }
      many = reader.multiGet(keyBytes(range));
      read = shapes.read(shapes.next(), from, to, reader::scan, reader::scanReverse);
    } catch (RuntimeException e) {
      readFailed(e);
      return;
    }
    check(key(from), got, thresholds[0], "DbReader get");
    for (int i = from; i < to; i++) {
      check(key(i), many.get(i - from), thresholds[i - from], "DbReader multiGet");
    }
    checkShaped(from, to, read, thresholds, "DbReader scan");
  }

  private void scan() {
    int from = random.nextInt(keys);
    int to = Math.min(keys, from + 1 + random.nextInt(20));
    long[] thresholds = new long[to - from];
    for (int i = from; i < to; i++) {
      thresholds[i - from] = oracle.readStart(key(i));
    }
    ScanShapes.Read read;
    try {
      read = shapes.read(shapes.next(), from, to, db::scan, db::scanReverse);
    } catch (RuntimeException e) {
      readFailed(e);
      return;
    }
    checkShaped(from, to, read, thresholds, "scan");
  }

  /**
   * Checks a scan of {@code [key(from), key(to))} read in some {@link ScanShapes.Shape}: the keys
   * it read before a seek one by one, and the range it vouches for after it as a forward scan's.
   */
  private void checkShaped(int from, int to, ScanShapes.Read read, long[] thresholds, String what) {
    String how = read.shape() == ScanShapes.Shape.FORWARD ? what : what + " " + read.shape();
    switch (read.shape()) {
      case FORWARD -> {}
      case REVERSE -> tally.inc(Stat.SCANS_REVERSE);
      case REVERSE_SEEK, REVERSE_FIRST -> {
        tally.inc(Stat.SCANS_REVERSE);
        tally.inc(Stat.SCANS_SEEKING);
      }
      default -> tally.inc(Stat.SCANS_SEEKING);
    }
    if (read.problem() != null) {
      tally.inc(Stat.SCANS_MISORDERED);
      tally.finding(how + " by process " + process + ": " + read.problem());
      return;
    }
    Map<String, byte[]> early = new LinkedHashMap<>(read.early());
    for (int i = from; i < to; i++) {
      if (early.containsKey(key(i))) {
        check(key(i), early.remove(key(i)), thresholds[i - from], how + " before its seek");
      }
    }
    for (String stray : early.keySet()) {
      report(
          new ExpectedState.Finding(
              ExpectedState.Violation.PHANTOM_VALUE,
              stray,
              "outside the range [" + key(from) + ", " + key(to) + ")"),
          how);
    }
    checkRange(read.from(), read.to(), new LinkedHashMap<>(read.seen()), thresholds, from, how);
  }

  private void checkRange(
      int from, int to, Map<String, byte[]> seen, long[] thresholds, String what) {
    checkRange(from, to, seen, thresholds, from, what);
  }

  /** As above, with {@code thresholds[i - base]} the threshold of key {@code i}. */
  private void checkRange(
      int from, int to, Map<String, byte[]> seen, long[] thresholds, int base, String what) {
    for (int i = from; i < to; i++) {
      check(key(i), seen.remove(key(i)), thresholds[i - base], what);
    }
    for (String stray : seen.keySet()) {
      report(
          new ExpectedState.Finding(
              ExpectedState.Violation.PHANTOM_VALUE,
              stray,
              "outside the range [" + key(from) + ", " + key(to) + ")"),
          what);
    }
  }

  /**
   * Reads the held iterator to the end, if one is open, and checks it. Call before the process ends
   * (the harness does, at the end of each cycle), so no iterator outlives its database.
   */
  public void finishHeld() {
    held.finish();
  }

  static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception ignored) {
      // closing a dead process's iterator or snapshot: nothing to release that matters
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
        check(picked[i], db.get(bytes(picked[i]), at), thresholds[i], "snapshot get");
      }
      // The same keys in one call through the snapshot: no extra random draws, so the seeds'
      // histories keep their shape.
      List<byte[]> values = db.multiGet(keyBytes(picked), at);
      for (int i = 0; i < picked.length; i++) {
        check(picked[i], values.get(i), thresholds[i], "snapshot multiGet");
      }
    } catch (RuntimeException e) {
      readFailed(e);
    }
  }

  /** Checks one read; {@code how} names the kind of read in a finding. */
  private void check(String key, byte[] value, long threshold, String how) {
    tally.inc(Stat.READS);
    if (!checkReads) {
      return;
    }
    ExpectedState.Finding f = oracle.checkRead(key, value, threshold);
    if (f != null) {
      report(f, how);
    }
  }

  private void report(ExpectedState.Finding f, String how) {
    if (f.violation() == ExpectedState.Violation.PHANTOM_VALUE) {
      tally.inc(Stat.CORRUPT_DATA_RETURNED);
    } else {
      tally.inc(Stat.STALE_READS);
    }
    tally.finding(how + " by process " + process + ": " + f);
  }

  private void readFailed(RuntimeException e) {
    tally.inc(Stat.READ_ERRORS);
    if (causedBy(e, CorruptObjectException.class)) {
      tally.inc(Stat.CORRUPTION_SURFACED);
    }
    if (causedBy(e, SnapshotTooOldException.class)) {
      tally.inc(Stat.READS_TOO_OLD);
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
