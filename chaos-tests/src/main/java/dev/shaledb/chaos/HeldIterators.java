package dev.shaledb.chaos;

import static dev.shaledb.chaos.Causes.causedBy;
import static dev.shaledb.chaos.KeySpace.bytes;
import static dev.shaledb.chaos.KeySpace.key;

import dev.shaledb.Db;
import dev.shaledb.DbIterator;
import dev.shaledb.GcResult;
import dev.shaledb.KeyValue;
import dev.shaledb.ReadOptions;
import dev.shaledb.Snapshot;
import dev.shaledb.error.SnapshotTooOldException;
import dev.shaledb.manifest.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The held iterators of one {@link Workload}: a scan opened (sometimes under a snapshot), read a
 * little, kept open across the workload's next operations, among them a flush (so compaction
 * replaces the tables it reads) and a minAge-zero GC run (so they are deleted), then read to the
 * end. It must show exactly the state when it was opened ({@link ExpectedState#checkHeld}), or fail
 * with {@link SnapshotTooOldException} (counted apart). One at a time per workload; not
 * thread-safe, like the workload.
 */
final class HeldIterators {
  private static final Duration CHECKPOINT_LIFETIME = Duration.ofSeconds(2);

  private final Db db;
  private final ExpectedState oracle;
  private final Tally tally;
  private final Stalls stalls;
  private final SplittableRandom random;
  private final ScanShapes shapes;
  private final int keys;
  private final int process;
  private final int writer;
  private final ReadChecks checks;
  private long checkpoints;
  private Held held;

  HeldIterators(
      Db db,
      ExpectedState oracle,
      Tally tally,
      Stalls stalls,
      SplittableRandom random,
      ScanShapes shapes,
      int keys,
      int process,
      int writer,
      ReadChecks checks) {
    this.db = db;
    this.shapes = shapes;
    this.oracle = oracle;
    this.tally = tally;
    this.stalls = stalls;
    this.random = random;
    this.keys = keys;
    this.process = process;
    this.writer = writer;
    this.checks = checks;
  }

  /** An iterator kept open across operations; see {@link #hold()}. */
  private static final class Held {
    final int from;
    final int to;
    final long[] thresholds;
    final Snapshot snapshot;
    final DbIterator it;
    final boolean reverse;
    // Whether the end is read after a seek back to the start of the range (forward: seekToFirst;
    // reverse: seekToLast), so a scan whose tables were collected resumes at a seek.
    final boolean restart;
    final long openedAt;
    final Map<String, byte[]> seen = new LinkedHashMap<>();
    final int length;
    final int flushAt;
    final int gcAt;
    int ops;
    boolean acrossDeletion;

    Held(
        int from,
        int to,
        long[] thresholds,
        Snapshot snapshot,
        DbIterator it,
        boolean reverse,
        boolean restart,
        long openedAt,
        SplittableRandom random) {
      this.reverse = reverse;
      this.restart = restart;
      this.from = from;
      this.to = to;
      this.thresholds = thresholds;
      this.snapshot = snapshot;
      this.it = it;
      this.openedAt = openedAt;
      this.length = 6 + random.nextInt(40);
      this.flushAt = 1 + random.nextInt(length / 2);
      this.gcAt = flushAt + 1 + random.nextInt(length - flushAt - 1);
    }
  }

  /**
   * Opens a held iterator (one at a time per workload), sometimes under a snapshot, and reads a few
   * entries. The following operations of this workload run while it is open; {@link #holding()}
   * adds a flush of the memtables to tables (so compaction replaces the tables it reads) and later
   * a minAge-zero GC run (so they are deleted) before it is read to the end. It must then show
   * exactly the state when it was opened, or fail with {@link SnapshotTooOldException}.
   */
  void hold() {
    if (held != null) {
      return;
    }
    int from = random.nextInt(keys);
    int to = Math.min(keys, from + 5 + random.nextInt(30));
    long[] thresholds = new long[to - from];
    for (int i = from; i < to; i++) {
      thresholds[i - from] = oracle.readStart(key(i));
    }
    Snapshot snapshot = null;
    DbIterator it;
    boolean reverse = shapes.reverse();
    boolean restart = shapes.reverse();
    try {
      ReadOptions options = ReadOptions.defaults();
      if (random.nextInt(3) == 0) {
        snapshot = db.snapshot();
        options = options.withSnapshot(snapshot);
      }
      it =
          reverse
              ? db.scanReverse(bytes(key(from)), bytes(key(to)), options)
              : db.scan(bytes(key(from)), bytes(key(to)), options);
    } catch (RuntimeException e) {
      closeQuietly(snapshot);
      checks.readFailed(e);
      return;
    }
    // Taken once the iterator (or its snapshot) exists: a write begun later must not show.
    held = new Held(from, to, thresholds, snapshot, it, reverse, restart, oracle.tick(), random);
    for (int n = 1 + random.nextInt(3); n > 0 && held != null; n--) {
      readHeld(false);
    }
  }

  /** One more operation ran while the iterator is held: flush, collect, or read it to the end. */
  void holding() {
    Held h = held;
    if (h == null) {
      return;
    }
    h.ops++;
    if (h.ops == h.flushAt) {
      flushTables();
    } else if (h.ops == h.gcAt) {
      GcResult r = stalls.collectNow();
      h.acrossDeletion |= r != null && r.tablesDeleted() > 0;
    } else if (h.ops >= h.length) {
      finish();
    }
  }

  /**
   * Turns the memtables into tables now (so compaction replaces the tables a held iterator reads):
   * a checkpoint flushes first, and deleting it at once leaves those tables unpinned.
   */
  private void flushTables() {
    long began = oracle.tick();
    try {
      Checkpoint c =
          db.createCheckpoint("held-" + writer + "-" + checkpoints++, CHECKPOINT_LIFETIME);
      oracle.durableBefore(process, began);
      tally.inc(Stat.CHECKPOINTS);
      db.deleteCheckpoint(c.id());
    } catch (RuntimeException e) {
      // As for checkpoint(): a failure that ended the writer ends its next write.
    }
  }

  /** Reads the held iterator to the end, if one is open, and checks it. */
  void finish() {
    if (held != null) {
      readHeld(true);
    }
  }

  /** Reads one entry of the held iterator, or all that are left; a failure ends the hold. */
  private void readHeld(boolean all) {
    Held h = held;
    try {
      if (all && h.restart) {
        // Everything is read again from the range's start, so what was seen before is dropped.
        h.seen.clear();
        if (h.reverse) {
          h.it.seekToLast();
        } else {
          h.it.seekToFirst();
        }
      }
      while (h.it.hasNext()) {
        KeyValue kv = h.it.next();
        h.seen.put(new String(kv.key(), StandardCharsets.UTF_8), kv.value());
        if (!all) {
          return;
        }
      }
    } catch (RuntimeException e) {
      held = null;
      closeQuietly(h.it);
      closeQuietly(h.snapshot);
      if (causedBy(e, SnapshotTooOldException.class)) {
        tally.inc(Stat.HELD_REFUSED);
      } else {
        checks.readFailed(e);
      }
      return;
    }
    held = null;
    closeQuietly(h.it);
    closeQuietly(h.snapshot);
    // Read but not checked once checks are off (see Workload#skipReadChecks).
    if (checks.enabled()) {
      checkHeld(h);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception ignored) {
      // closing a dead process's iterator or snapshot: nothing to release that matters
    }
  }

  private void checkHeld(Held h) {
    tally.inc(Stat.HELD_CHECKED);
    if (h.reverse) {
      tally.inc(Stat.SCANS_REVERSE);
    }
    if (h.restart) {
      tally.inc(Stat.SCANS_SEEKING);
    }
    if (h.acrossDeletion) {
      tally.inc(Stat.HELD_ACROSS_DELETION);
    }
    List<ExpectedState.Finding> wrong = new ArrayList<>();
    for (int i = h.from; i < h.to; i++) {
      ExpectedState.Finding f =
          oracle.checkHeld(
              key(i), h.seen.remove(key(i)), h.thresholds[i - h.from], h.openedAt, checks.skew());
      if (f != null) {
        wrong.add(f);
      }
    }
    for (String stray : h.seen.keySet()) {
      wrong.add(
          new ExpectedState.Finding(
              ExpectedState.Violation.PHANTOM_VALUE, stray, "outside the held range"));
    }
    if (!wrong.isEmpty()) {
      tally.inc(Stat.HELD_WRONG);
      tally.finding(
          "held iterator of process "
              + process
              + (h.snapshot != null ? " (under a snapshot)" : "")
              + (h.acrossDeletion ? " held across a GC that deleted tables" : "")
              + ": "
              + wrong.subList(0, Math.min(3, wrong.size())));
    }
  }
}
