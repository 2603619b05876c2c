package dev.shaledb.chaos;

import static dev.shaledb.chaos.KeySpace.bytes;
import static dev.shaledb.chaos.KeySpace.key;
import static dev.shaledb.chaos.KeySpace.keyBytes;

import dev.shaledb.Db;
import dev.shaledb.DbReader;
import dev.shaledb.DbReaderOptions;
import dev.shaledb.ReadOptions;
import dev.shaledb.Snapshot;
import dev.shaledb.objectstore.ObjectStore;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The checked reads of one workload: get, multiGet, durable-only get, scans in every {@link
 * ScanShapes.Shape}, gets and a multiGet through a {@link Snapshot} (with a write after it that
 * must not show), and a {@link DbReader} of the store (another process) that must show every write
 * acknowledged before it opened. Each read takes its keys' thresholds from the {@link
 * ExpectedState} before it starts and is checked by {@link ReadChecks}; a failed read is counted
 * there. Not thread-safe, like the workload.
 */
final class WorkloadReads {
  private static final ReadOptions DURABLE_ONLY = ReadOptions.defaults().withDurableOnly(true);

  /** A reader that moves only when opened; small cache, no polling thread. */
  private static final DbReaderOptions READER =
      DbReaderOptions.builder()
          .pollInterval(Duration.ZERO)
          .blockCacheBytes(64 << 10)
          .mergeOperator(ChaosMerge.OPERATOR)
          .build();

  private final Db db;
  private final ExpectedState oracle;
  private final SplittableRandom random;
  private final KeySpace keys;
  private final ScanShapes shapes;
  private final ReadChecks checks;
  private final WorkloadWrites writes;
  private final ObjectStore readerStore;
  private final String path;
  private final DbReaderOptions readerOptions;
  private final ReadChecks readerChecks;

  /**
   * Reads of {@code db}; {@link DbReader} reads open on {@code readerStore} at {@code path} (none
   * if {@code readerStore} is null), with a clock of {@code time} skewed the other way from this
   * process's (none if {@code time} is null). {@code writes} makes the write a snapshot must not
   * show.
   */
  WorkloadReads(
      Db db,
      ExpectedState oracle,
      SplittableRandom random,
      KeySpace keys,
      ScanShapes shapes,
      ReadChecks checks,
      WorkloadWrites writes,
      ObjectStore readerStore,
      String path,
      ChaosTime time) {
    this.db = db;
    this.oracle = oracle;
    this.random = random;
    this.keys = keys;
    this.shapes = shapes;
    this.checks = checks;
    this.writes = writes;
    this.readerStore = readerStore;
    this.path = path;
    // Another process: its clock lags where this one's leads, and leads where it lags.
    long readerSkew = time == null ? 0 : -checks.skew();
    this.readerOptions =
        time == null ? READER : READER.toBuilder().clock(time.clock(readerSkew)).build();
    this.readerChecks = checks.withSkew(readerSkew);
  }

  void get(String key) {
    long threshold = oracle.readStart(key);
    byte[] value;
    try {
      value = db.get(bytes(key));
    } catch (RuntimeException e) {
      checks.readFailed(e);
      return;
    }
    checks.check(key, value, threshold, "get");
  }

  /**
   * A multiGet of up to eight random keys (repeats possible), each held to what a get of it is: a
   * multiGet must be at least as fresh as its start for every key it reads.
   */
  void multiGet() {
    String[] picked = new String[1 + random.nextInt(8)];
    long[] thresholds = new long[picked.length];
    for (int i = 0; i < picked.length; i++) {
      picked[i] = keys.randomKey();
      thresholds[i] = oracle.readStart(picked[i]);
    }
    List<byte[]> values;
    try {
      values = db.multiGet(keyBytes(picked));
    } catch (RuntimeException e) {
      checks.readFailed(e);
      return;
    }
    for (int i = 0; i < picked.length; i++) {
      checks.check(picked[i], values.get(i), thresholds[i], "multiGet");
    }
  }

  /** A durable-only get, checked by {@link ReadChecks#checkDurable}. */
  void durableGet(String key) {
    long threshold = oracle.readStart(key);
    byte[] value;
    try {
      value = db.get(bytes(key), DURABLE_ONLY);
    } catch (RuntimeException e) {
      checks.readFailed(e);
      return;
    }
    checks.checkDurable(key, value, threshold);
  }

  /**
   * A {@link DbReader} opened on the store now (another process, without faults, maybe stalling in
   * its catch-up): it shows the durable state, so every write acknowledged before it opened.
   */
  void readerReads() {
    if (readerStore == null) {
      return;
    }
    int from = keys.randomIndex();
    int to = Math.min(keys.size(), from + 1 + random.nextInt(8));
    long[] thresholds = thresholds(from, to);
    byte[] got;
    List<byte[]> many;
    ScanShapes.Read read;
    try (DbReader reader = DbReader.open(readerStore, path, readerOptions)) {
      got = reader.get(bytes(key(from)));
      String[] range = new String[to - from];
      for (int i = from; i < to; i++) {
        range[i - from] = key(i);
      }
      many = reader.multiGet(keyBytes(range));
      read = shapes.read(shapes.next(), from, to, reader::scan, reader::scanReverse);
    } catch (RuntimeException e) {
      readerChecks.readFailed(e);
      return;
    }
    readerChecks.check(key(from), got, thresholds[0], "DbReader get");
    for (int i = from; i < to; i++) {
      readerChecks.check(key(i), many.get(i - from), thresholds[i - from], "DbReader multiGet");
    }
    readerChecks.checkShaped(from, to, read, thresholds, "DbReader scan");
  }

  /** A scan of up to 20 keys from a random one, in a shape {@link ScanShapes} draws. */
  void scan() {
    int from = keys.randomIndex();
    int to = Math.min(keys.size(), from + 1 + random.nextInt(20));
    long[] thresholds = thresholds(from, to);
    ScanShapes.Read read;
    try {
      read = shapes.read(shapes.next(), from, to, db::scan, db::scanReverse);
    } catch (RuntimeException e) {
      checks.readFailed(e);
      return;
    }
    checks.checkShaped(from, to, read, thresholds, "scan");
  }

  /** Gets and a multiGet of five random keys through one snapshot, with a put after it. */
  void snapshotReads() {
    String[] picked = new String[5];
    long[] thresholds = new long[picked.length];
    for (int i = 0; i < picked.length; i++) {
      picked[i] = keys.randomKey();
      thresholds[i] = oracle.readStart(picked[i]);
    }
    try (Snapshot snapshot = db.snapshot()) {
      ReadOptions at = ReadOptions.defaults().withSnapshot(snapshot);
      // Writes after the snapshot must not show through it; they are ordinary writes otherwise.
      writes.put(keys.randomKey(), false);
      for (int i = 0; i < picked.length; i++) {
        checks.check(picked[i], db.get(bytes(picked[i]), at), thresholds[i], "snapshot get");
      }
      // The same keys in one call through the snapshot: no extra random draws, so the seeds'
      // histories keep their shape.
      List<byte[]> values = db.multiGet(keyBytes(picked), at);
      for (int i = 0; i < picked.length; i++) {
        checks.check(picked[i], values.get(i), thresholds[i], "snapshot multiGet");
      }
    } catch (RuntimeException e) {
      checks.readFailed(e);
    }
  }

  /** The read thresholds of the keys {@code [from, to)}, taken in key order. */
  private long[] thresholds(int from, int to) {
    long[] thresholds = new long[to - from];
    for (int i = from; i < to; i++) {
      thresholds[i - from] = oracle.readStart(key(i));
    }
    return thresholds;
  }
}
