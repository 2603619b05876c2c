package dev.shaledb.chaos;

import dev.shaledb.Clones;
import dev.shaledb.GarbageCollector;
import dev.shaledb.GcOptions;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.ClonePin;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.ObjectStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Clones in the oracle (docs/testing.md, "Clones"): in one seed in five, a source process clones
 * the database in the middle of its workload, through {@code Db.createClone} or a flushed
 * checkpoint and {@code Clones.create}, over its own faulty store (so faults and crash points hit
 * the creation). The clone's oracle is the source's at that moment ({@link
 * ExpectedState#forkForClone}): every write acknowledged durable before the call is in it, and
 * every write the cloning process accepted before it, durable or not; a write that failed, was in
 * flight or began during the call may or may not be.
 *
 * <p>Whether a clone came of a creation is decided after the source's next verification, once the
 * dead process's late puts have landed: a failed creation must leave no database at the target or a
 * complete one, which is then verified like any clone. From then on some cycles run on the clone
 * (writes, compaction, with {@code rewriteBorrowedTables} in half of these seeds, its own GC and
 * stalls, crashes), with GC runs of the source at {@code minAge} 0 among its operations; the
 * source's cycles go on as before, their GC runs kept off shared tables only by the clone's pin. At
 * the end both sides are collected with {@code minAge} 0 and both verified again, and the pin must
 * be released exactly when the clone shares nothing.
 *
 * <p>Its own random generator, drawn from the seed, so a seed's draws stay as they were until its
 * clone exists.
 */
final class CloneChaos {
  static final String PATH = "clone";

  private static final GcOptions ZERO =
      GcOptions.builder().minAge(Duration.ZERO).interval(Duration.ZERO).build();

  private final SeedRun run;
  private final ObjectStore raw;
  private final long seed;
  private final SplittableRandom random;
  private final boolean rewrite;
  private int sourceCyclesBefore;
  private int attempts;
  private Pending pending;
  private CycleTarget target;
  private final Set<UUID> pinIds = new HashSet<>();
  private GarbageCollector sourceGc;

  /** What happened to the clone, printed with a seed's findings to tell what the oracle saw. */
  private final StringBuilder story = new StringBuilder();

  /** A creation made in the current source cycle, judged after its verification. */
  private record Pending(ExpectedState oracle, RuntimeException failure) {}

  private CloneChaos(SeedRun run, ObjectStore raw, long seed, SplittableRandom random) {
    this.run = run;
    this.raw = raw;
    this.seed = seed;
    this.random = random;
    this.rewrite = random.nextBoolean();
    this.sourceCyclesBefore = random.nextInt(3);
  }

  /** The clones of seed {@code seed}, or null if it makes none (four seeds in five). */
  static CloneChaos forSeed(long seed, SeedRun run, ObjectStore raw) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x436C6F6E65734CL);
    return random.nextInt(5) == 0 ? new CloneChaos(run, raw, seed, random) : null;
  }

  /** The database the next cycle runs on: the clone in two cycles of five once it exists. */
  CycleTarget pick(CycleTarget source) {
    return target != null && random.nextInt(5) < 2 ? target : source;
  }

  /** Notes that process {@code id} runs on {@code on}, for {@link #explain}. */
  void ran(int id, CycleTarget on) {
    if (target != null) {
      story.append('p').append(id).append(on == target ? " on clone; " : " on source; ");
    }
  }

  /**
   * For a failing seed: what happened to the clone, and the stored versions of (up to three of) the
   * keys the findings name, in both databases.
   */
  void explain(ObjectStore shared, Tally tally) {
    tally.finding("(context) clone: " + story);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("key=(k\\d+)").matcher(String.join(" ", tally.findings()));
    for (int shown = 0; m.find() && shown < 3; shown++) {
      tally.finding("(context) " + versions(shared, PATH, m.group(1)));
      tally.finding("(context) " + versions(shared, SeedRun.PATH, m.group(1)));
    }
  }

  /**
   * Every stored version of {@code key} in the latest state of the database at {@code path}, table
   * by table (L0 newest first, then the runs), for a failing seed's report: it tells a version that
   * was never stored from one a read skipped.
   */
  static String versions(ObjectStore shared, String path, String key) {
    StringBuilder out = new StringBuilder(path).append(' ').append(key).append(": ");
    ManifestState state;
    try {
      state = latest(shared, path);
    } catch (RuntimeException e) {
      return out.append(e).toString();
    }
    out.append("lastFlushedSeq ").append(state.lastFlushedSeq()).append(", ");
    java.util.List<dev.shaledb.manifest.TableInfo> tables = new ArrayList<>(state.l0());
    state.sortedRuns().forEach(r -> tables.addAll(r.tables()));
    dev.shaledb.table.TableStore store =
        new dev.shaledb.table.TableStore(
            shared, path, null, dev.shaledb.support.CorruptionReporter.NONE);
    byte[] k = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] end = java.util.Arrays.copyOf(k, k.length + 1);
    for (dev.shaledb.manifest.TableInfo t : tables) {
      try (dev.shaledb.iterate.EntryIterator it =
          store.iterator(t, k, end, Long.MAX_VALUE, dev.shaledb.sst.ReadAhead.upTo(0, e -> {}))) {
        for (it.seek(k); it.isValid(); it.next()) {
          out.append(t.id(), 0, 8)
              .append(t.isBorrowed() ? "@" + t.home() : "")
              .append(" seq ")
              .append(it.seq())
              .append(' ')
              .append(it.kind())
              .append(" exp ")
              .append(it.expireAtMillis())
              .append("; ");
        }
      } catch (RuntimeException e) {
        out.append(t.id(), 0, 8).append(' ').append(e.getClass().getSimpleName()).append("; ");
      }
    }
    return out.toString();
  }

  /** For a source cycle of {@code budget} operations: the operation to clone at, or -1. */
  int cloneAt(int budget) {
    if (target != null || attempts >= 3 || sourceCyclesBefore-- > 0) {
      return -1;
    }
    return random.nextInt(Math.max(1, budget));
  }

  /**
   * Clones the database of process {@code p}, whose oracle is {@code oracle}, now; a failure is
   * judged later ({@link #settle}).
   */
  void create(ChaosProcess p, ExpectedState oracle) {
    attempts++;
    long began = oracle.tick();
    RuntimeException failure = null;
    boolean fromWriter = random.nextBoolean();
    try {
      if (fromWriter) {
        p.db().createClone(PATH);
      } else {
        // A checkpoint flushes first: the version it pins holds every write accepted before.
        Checkpoint cp = p.db().createCheckpoint("for a clone", Duration.ofMinutes(5));
        Clones.create(p.store(), SeedRun.PATH, PATH, cp.id(), p.listener());
        try {
          p.db().deleteCheckpoint(cp.id());
        } catch (RuntimeException e) {
          // It expires; meanwhile it only keeps tables.
        }
      }
    } catch (RuntimeException e) {
      failure = e;
    }
    story.append(
        String.format(
            "attempt %d by p%d (%s) from tick %d to %d: %s; ",
            attempts,
            p.id(),
            fromWriter ? "Db.createClone" : "checkpoint + Clones.create",
            began,
            oracle.tick(),
            failure == null ? "returned" : failure.toString()));
    pending = new Pending(oracle.forkForClone(began, p.id()), failure);
  }

  /**
   * After the source's verification (every late put landed): whether the creation of this cycle
   * left a clone, and if so its first verification.
   */
  void settle(
      ObjectStore shared, ChaosTime time, Tally tally, SplittableRandom verifier, int keys) {
    if (pending == null) {
      return;
    }
    Pending made = pending;
    pending = null;
    boolean exists = new ManifestStore(shared, PATH).readLatest().isPresent();
    if (made.failure() == null && !exists) {
      tally.inc(Stat.CLONE_VALUES_WRONG);
      tally.finding("a clone creation returned normally but left no database at '" + PATH + "'");
      return;
    }
    if (made.failure() != null) {
      tally.inc(Stat.CLONE_CREATIONS_FAILED);
      tally.inc(exists ? Stat.CLONE_FAILED_COMPLETE : Stat.CLONE_FAILED_ABSENT);
    }
    if (!exists) {
      return;
    }
    tally.inc(Stat.CLONES_CREATED);
    ManifestState first = new ManifestStore(shared, PATH).read(1).map(m -> m.state()).orElse(null);
    story.append(
        first == null
            ? "exists (version 1 retired); "
            : String.format(
                "exists: version 1 has lastFlushedSeq %d, %s; ",
                first.lastFlushedSeq(), first.clonePins()));
    if (rewrite) {
      tally.inc(Stat.CLONE_REWRITING);
    }
    for (ClonePin pin : latest(shared, PATH).clonePins()) {
      pinIds.add(pin.checkpointId());
      sameAsPinned(shared, pin, time.clock(0), tally);
    }
    boolean stalls = !run.plan().equals(FaultPlan.none());
    target =
        new CycleTarget(
            PATH,
            made.oracle(),
            new Stalls(raw, PATH, seed ^ 0xC10EL, tally, stalls),
            new ArrayList<>(),
            rewrite,
            true);
    Verification.check(
        shared, PATH, true, made.oracle(), time, tally, verifier, keys, target.pendingLate());
  }

  /** Before each operation of a clone's process: now and then a GC run of the source. */
  void duringCloneCycle(Tally tally) {
    if (random.nextInt(50) != 0) {
      return;
    }
    if (sourceGc == null) {
      sourceGc = GarbageCollector.open(raw, SeedRun.PATH, ZERO);
    }
    try {
      sourceGc.run();
      tally.inc(Stat.CLONE_SOURCE_GC);
    } catch (RuntimeException e) {
      tally.inc(Stat.STALL_GC_FAILED);
    }
  }

  /**
   * After the source's final GC and check: the clone's final GC and check, its pin judged, then one
   * more GC run of the source and both verified again.
   */
  void finish(CycleTarget source, ObjectStore shared, ChaosTime time, Tally tally, int keys) {
    try {
      if (target == null || !tally.findings().isEmpty()) {
        return;
      }
      SplittableRandom verifier = random.split();
      Verification.finalGc(shared, PATH, tally);
      Verification.check(
          shared, PATH, true, target.oracle(), time, tally, verifier, keys, target.pendingLate());
      checkPins(shared, tally);
      try (GarbageCollector gc = GarbageCollector.open(shared, SeedRun.PATH, ZERO)) {
        gc.run();
      }
      Verification.check(
          shared,
          SeedRun.PATH,
          false,
          source.oracle(),
          time,
          tally,
          verifier,
          keys,
          source.pendingLate());
      Verification.check(
          shared, PATH, true, target.oracle(), time, tally, verifier, keys, target.pendingLate());
    } finally {
      close();
    }
  }

  /**
   * A clone that lists no pin must have removed its checkpoints from the source; one that still
   * borrows a table must still hold every one of them there.
   */
  private void checkPins(ObjectStore shared, Tally tally) {
    ManifestState clone = latest(shared, PATH);
    Set<UUID> inSource = new HashSet<>();
    for (Checkpoint c : latest(shared, SeedRun.PATH).checkpoints()) {
      inSource.add(c.id());
    }
    if (clone.clonePins().isEmpty()) {
      tally.inc(Stat.CLONE_PINS_RELEASED);
      for (UUID id : pinIds) {
        if (inSource.contains(id)) {
          tally.finding("clone released its pin, but the source still holds checkpoint " + id);
        }
      }
    } else if (clone.hasBorrowedTables()) {
      for (ClonePin pin : clone.clonePins()) {
        if (!inSource.contains(pin.checkpointId())) {
          tally.inc(Stat.CLONE_VALUES_WRONG);
          tally.finding("clone shares tables, but the source lost its checkpoint " + pin);
        }
      }
    }
  }

  /**
   * The new clone must read exactly as the source's version it shares, read through the pin, at the
   * same time: the same tables. Tells a clone's read path apart from what the source's version
   * holds.
   */
  private void sameAsPinned(ObjectStore shared, ClonePin pin, java.time.Clock clock, Tally tally) {
    java.util.Map<String, String> clone = scan(shared, PATH, null, clock);
    java.util.Map<String, String> source = scan(shared, SeedRun.PATH, pin.checkpointId(), clock);
    if (!clone.equals(source)) {
      String differs = null;
      for (String k : new java.util.TreeSet<>(java.util.Set.copyOf(clone.keySet()))) {
        if (!java.util.Objects.equals(clone.get(k), source.get(k))) {
          differs = k;
          break;
        }
      }
      for (String k : source.keySet()) {
        if (differs == null && !clone.containsKey(k)) {
          differs = k;
        }
      }
      tally.inc(Stat.CLONE_VALUES_WRONG);
      tally.finding(
          "the new clone reads unlike the source's version "
              + pin.manifestId()
              + " it shares, first at "
              + differs
              + ": clone "
              + clone.get(differs)
              + ", source "
              + source.get(differs));
    } else {
      story.append("reads as source version ").append(pin.manifestId()).append("; ");
    }
  }

  private static java.util.Map<String, String> scan(
      ObjectStore store, String path, UUID cp, java.time.Clock clock) {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    dev.shaledb.DbReaderOptions.Builder options =
        dev.shaledb.DbReaderOptions.builder()
            .pollInterval(Duration.ZERO)
            .clock(clock)
            .mergeOperator(ChaosMerge.OPERATOR);
    if (cp != null) {
      options.checkpoint(cp);
    }
    try (dev.shaledb.DbReader reader = dev.shaledb.DbReader.open(store, path, options.build());
        dev.shaledb.DbIterator it = reader.scan(null, null)) {
      while (it.hasNext()) {
        dev.shaledb.KeyValue kv = it.next();
        out.put(
            new String(kv.key(), java.nio.charset.StandardCharsets.UTF_8),
            java.util.HexFormat.of().formatHex(kv.value()));
      }
    }
    return out;
  }

  private static ManifestState latest(ObjectStore shared, String path) {
    return new ManifestStore(shared, path).readLatest().orElseThrow().state();
  }

  /** Ends the seed's clone work: its stalls and the source's collector. */
  void close() {
    if (target != null) {
      target.stalls().close();
    }
    if (sourceGc != null) {
      sourceGc.close();
      sourceGc = null;
    }
  }
}
