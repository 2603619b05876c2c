package dev.shaledb.chaos;

import dev.shaledb.Db;
import dev.shaledb.DbIterator;
import dev.shaledb.GarbageCollector;
import dev.shaledb.GcOptions;
import dev.shaledb.KeyValue;
import dev.shaledb.error.SnapshotTooOldException;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.table.TableKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The check after every process lifetime of a {@link SeedRun}: reopen the store without faults
 * (which fences every earlier writer), land the dead processes' late puts, read every key by a full
 * scan (and a few by get, which must agree), and judge the contents with the {@link ExpectedState}.
 * Findings go to the tally.
 */
final class Verification {
  private Verification() {}

  static void check(
      ObjectStore shared,
      ExpectedState oracle,
      ChaosTime time,
      Tally tally,
      SplittableRandom random,
      int keys,
      List<CrashPointStore> pendingLate) {
    check(shared, SeedRun.PATH, false, oracle, time, tally, random, keys, pendingLate);
  }

  /**
   * As the other {@code check}, of the database at {@code path}; a {@code clone}'s broken promises
   * count as {@link Stat#CLONE_VALUES_WRONG} and its keys as {@link Stat#CLONE_KEYS_VERIFIED}.
   */
  static void check(
      ObjectStore shared,
      String path,
      boolean clone,
      ExpectedState oracle,
      ChaosTime time,
      Tally tally,
      SplittableRandom random,
      int keys,
      List<CrashPointStore> pendingLate) {
    Map<String, byte[]> actual = new TreeMap<>();
    Db db;
    // Another process, its clock maybe skewed: it reads by it, and compacts by it.
    long skew =
        random.nextBoolean()
            ? random.nextLong(-ChaosTime.MAX_SKEW_MILLIS, ChaosTime.MAX_SKEW_MILLIS + 1)
            : 0;
    long start = oracle.tick();
    try {
      db =
          Db.open(
              shared,
              path,
              ChaosProcess.tinyOptions().toBuilder()
                  .flushOnClose(random.nextBoolean())
                  .clock(time.clock(skew))
                  .build());
    } catch (RuntimeException e) {
      tally.inc(Stat.RECOVERIES_FAILED);
      tally.finding(path + ": recovery without faults failed: " + SeedRun.stackHead(e));
      return;
    }
    try {
      for (CrashPointStore b : pendingLate) {
        tally.add(Stat.LATE_PUTS_KEPT, b.latePutsKept());
        tally.add(Stat.LATE_PUTS_LANDED, b.landLate(shared));
      }
      pendingLate.clear();
      List<KeyValue> inOrder = new ArrayList<>();
      try (DbIterator it = db.scan(null, null)) {
        while (it.hasNext()) {
          KeyValue kv = it.next();
          inOrder.add(kv);
          actual.put(new String(kv.key(), StandardCharsets.UTF_8), kv.value());
        }
      }
      checkReverse(db, inOrder, tally);
      for (int i = 0; i < 5; i++) {
        String key = KeySpace.key(random.nextInt(keys));
        if (!java.util.Arrays.equals(db.get(KeySpace.bytes(key)), actual.get(key))) {
          tally.finding("get and full scan disagree on " + key);
        }
      }
      tally.inc(Stat.RECOVERIES_OK);
    } catch (RuntimeException e) {
      // A table the latest manifest lists that is gone reads as SnapshotTooOldException now (the
      // verifying database resumes its scan on the latest tables first, so that is all it means).
      if (Causes.causedBy(e, ObjectNotFoundException.class)
          || Causes.causedBy(e, SnapshotTooOldException.class)) {
        tally.inc(Stat.MISSING_OBJECTS);
      }
      tally.inc(Stat.RECOVERIES_FAILED);
      tally.finding(path + ": full scan after recovery failed: " + SeedRun.stackHead(e));
      db.close();
      return;
    }
    db.close();
    List<ExpectedState.Finding> findings = oracle.verify(actual, start, skew);
    if (clone) {
      tally.add(Stat.CLONE_KEYS_VERIFIED, oracle.keys());
      tally.add(Stat.CLONE_VALUES_WRONG, findings.size());
      for (ExpectedState.Finding f : findings) {
        tally.finding("clone '" + path + "' after recovery: " + f);
      }
      return;
    }
    for (ExpectedState.Finding f : findings) {
      switch (f.violation()) {
        case EXPIRED_VALUE:
          tally.inc(Stat.EXPIRED_VALUES_READ);
          break;
        case LOST_ACKED_WRITE:
          tally.inc(Stat.LOST_ACKED);
          break;
        case RESURRECTED_DELETE:
          tally.inc(Stat.RESURRECTED);
          break;
        case NOT_DURABLE:
          tally.inc(Stat.DURABLE_READS_WRONG);
          break;
        default:
          tally.inc(Stat.PHANTOM);
      }
      tally.finding("after recovery: " + f);
    }
  }

  /**
   * After the seed's last check, with no process left: a garbage collection with minAge zero must
   * leave every table the latest manifest or one of its checkpoints lists and nothing else, and the
   * database must still read exactly as before (the caller checks again). Counts the orphaned table
   * bytes left: tables nothing references. Tables only an unexpired checkpoint's pinned version
   * lists are referenced (the workload's checkpoints live two seconds); an expired checkpoint
   * protects nothing, even before the writer removes it.
   */
  static void finalGc(ObjectStore shared, Tally tally) {
    finalGc(shared, SeedRun.PATH, tally);
  }

  /**
   * As {@link #finalGc(ObjectStore, Tally)}, for the database at {@code path}. A clone's borrowed
   * tables live in their home database's folder: they must exist there and are not this one's
   * orphans; a source's tables that only its clone lists are kept by the clone's checkpoint.
   */
  static void finalGc(ObjectStore shared, String path, Tally tally) {
    GcOptions zero = GcOptions.builder().minAge(Duration.ZERO).interval(Duration.ZERO).build();
    Instant now;
    try (GarbageCollector gc = GarbageCollector.open(shared, path, zero)) {
      now = gc.run().storeTime();
    }
    ManifestStore manifests = new ManifestStore(shared, path);
    ManifestState state = manifests.readLatest().orElseThrow().state();
    Set<String> referenced = new HashSet<>();
    addTables(state, path, referenced);
    for (Checkpoint c : state.checkpoints()) {
      if (c.isExpired(now)) {
        continue; // an expired checkpoint protects nothing; the writer removes it later
      }
      Optional<Manifest> pinned = manifests.read(c.manifestId());
      if (pinned.isPresent()) {
        addTables(pinned.get().state(), path, referenced);
      } else {
        tally.inc(Stat.MISSING_OBJECTS);
        tally.finding("final GC retired manifest " + c.manifestId() + " pinned by " + c);
      }
    }
    Set<String> stored = new HashSet<>();
    for (ObjectMeta m : Futures.join(shared.list(TableKeys.prefix(path)))) {
      stored.add(m.key());
      if (!referenced.contains(m.key())) {
        tally.add(Stat.ORPHANED_BYTES, m.size());
      }
    }
    for (String key : referenced) {
      if (!stored.contains(key) && !exists(shared, key)) {
        tally.inc(Stat.MISSING_OBJECTS);
        tally.finding("final GC deleted a referenced table: " + key);
      }
    }
  }

  private static void addTables(ManifestState state, String path, Set<String> into) {
    List<TableInfo> tables = new ArrayList<>(state.l0());
    for (SortedRun run : state.sortedRuns()) {
      tables.addAll(run.tables());
    }
    for (TableInfo t : tables) {
      into.add(TableKeys.key(t.homeOr(path), t.id()));
    }
  }

  /** Whether {@code key} (a borrowed table, in another database's folder) is stored. */
  private static boolean exists(ObjectStore shared, String key) {
    return Futures.join(shared.list(key)).stream().anyMatch(m -> m.key().equals(key));
  }

  /** A full reverse scan must show the forward scan's keys and values, in descending order. */
  private static void checkReverse(Db db, List<KeyValue> forward, Tally tally) {
    List<KeyValue> expected = new ArrayList<>(forward);
    java.util.Collections.reverse(expected);
    int i = 0;
    try (DbIterator it = db.scanReverse(null, null)) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        if (i >= expected.size()
            || !java.util.Arrays.equals(expected.get(i).key(), kv.key())
            || !java.util.Arrays.equals(expected.get(i).value(), kv.value())) {
          break;
        }
        i++;
      }
    }
    tally.inc(Stat.SCANS_REVERSE);
    if (i != expected.size()) {
      tally.inc(Stat.SCANS_MISORDERED);
      tally.finding(
          "full reverse scan after recovery differs from the forward one at position "
              + i
              + " of "
              + expected.size());
    }
  }
}
