package dev.shaledb.clone;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CheckpointNotFoundException;
import dev.shaledb.error.DbExistsException;
import dev.shaledb.error.DbNotFoundException;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.ClonePin;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.manifest.UnknownFields;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.support.CorruptionReporter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a clone: a database at {@code target} whose first version lists the tables of a version
 * of the database at {@code source} in the same store, without copying them.
 *
 * <p>Invariants, in the order the steps establish them (docs/gc.md, "Clones"):
 *
 * <ol>
 *   <li>Before the clone exists, a checkpoint in the source pins the version whose tables it will
 *       list: the version the pin itself publishes (the source's latest flushed state), or the
 *       version an existing checkpoint pins, checked to be still pinned in the very state the new
 *       checkpoint lands on, so it was never unpinned in between. From then on the source's
 *       collector keeps those tables, however long this process stalls.
 *   <li>The clone's version 1 is created with a create-if-absent put and records that pin ({@link
 *       ClonePin}) and each shared table's home. If another version 1 is there (by its write id),
 *       the pin is removed again and nothing of the target changed. If the put fails otherwise, the
 *       pin stays: the clone may exist.
 *   <li>A crash between the two leaves an unused checkpoint in the source, named {@code clone:} and
 *       the target path: visible with {@code listCheckpoints}, removable with {@code
 *       deleteCheckpoint}. It is never removed automatically: a concurrent creation of the same
 *       target could be using it.
 * </ol>
 */
public final class CloneCreation {
  /** The name prefix of the checkpoints clones hold in their sources. */
  public static final String PIN_NAME_PREFIX = "clone:";

  private static final Logger LOG = LoggerFactory.getLogger(CloneCreation.class);

  /** What was created. */
  public record Created(Manifest first, ClonePin pin, int tables, long bytes) {}

  private CloneCreation() {}

  /**
   * Clones version of {@code source} pinned by checkpoint {@code checkpointId} (null: the source's
   * latest published version) into a new database at {@code target}; damaged objects it reads are
   * told to {@code corruption} before they are thrown.
   */
  public static Created create(
      ObjectStore store,
      String source,
      String target,
      UUID checkpointId,
      CorruptionReporter corruption) {
    requireNonNull(store, "store is null");
    requireNonNull(corruption, "corruption is null");
    ManifestStore sources =
        new ManifestStore(store, requireNonNull(source, "source is null"), corruption);
    ManifestStore targets =
        new ManifestStore(store, requireNonNull(target, "target is null"), corruption);
    if (source.equals(target)) {
      throw new IllegalArgumentException("a clone needs a path of its own, not '" + source + "'");
    }
    Manifest latest =
        sources
            .readLatest()
            .orElseThrow(() -> new DbNotFoundException("no database at '" + source + "' to clone"));
    Instant expireAt =
        checkpointId == null ? null : find(latest.state(), checkpointId, source).expireAt();
    if (targets.readLatest().isPresent()) {
      throw exists(target);
    }
    UUID pinId = UUID.randomUUID();
    Manifest pinnedIn = sources.addCheckpoint(pinId, pinName(target), checkpointId);
    Checkpoint pin = find(pinnedIn.state(), pinId, source);
    if (expireAt != null) {
      requireLandedBefore(store, sources, pinnedIn, expireAt, pinId);
    }
    ManifestState shared =
        pin.manifestId() == pinnedIn.id()
            ? pinnedIn.state()
            : sources
                .read(pin.manifestId())
                .orElseThrow(
                    () ->
                        new IllegalStateException("pinned manifest " + pin.manifestId() + " gone"))
                .state();
    ClonePin clonePin = new ClonePin(source, pinId, pin.manifestId());
    ManifestState first = firstState(shared, source, clonePin);
    Optional<Manifest> created;
    try {
      created = targets.create(first);
    } catch (RuntimeException e) {
      // The clone may exist (a put with an unknown outcome can still land), and without the pin
      // the source's collector could delete its tables: keep the pin. A leak is the safe side.
      LOG.warn(
          "creating clone '{}' failed ({}); checkpoint {} of '{}' stays, since the clone may"
              + " exist: if '{}' holds no database, delete that checkpoint",
          target,
          e.toString(),
          pinId,
          source,
          target);
      throw e;
    }
    if (created.isEmpty()) {
      // Version 1 holds someone else's write id: our put cannot land any more.
      unpinQuietly(sources, pinId);
      throw exists(target);
    }
    long bytes = 0;
    int tables = 0;
    for (TableInfo t : all(first)) {
      bytes += t.sizeBytes();
      tables++;
    }
    LOG.info(
        "cloned '{}' manifest {} to '{}': {} tables ({} bytes) shared, pinned by checkpoint {}",
        source,
        pin.manifestId(),
        target,
        tables,
        bytes,
        pinId);
    return new Created(created.get(), clonePin, tables, bytes);
  }

  /**
   * A collector that no longer honours the expired checkpoint could delete the tables unless our
   * pin is in every state it reads. It reads its state after its clock probe, so a pin the store
   * stamped before the expiry is seen by every run that judges the checkpoint expired. Stamps may
   * be rounded down to the second, hence the second of margin.
   */
  private static void requireLandedBefore(
      ObjectStore store, ManifestStore sources, Manifest pinnedIn, Instant expireAt, UUID pinId) {
    Instant stamped =
        Futures.join(store.head(ManifestKeys.key(sources.dbPath(), pinnedIn.id()))).lastModified();
    if (stamped.equals(ObjectMeta.UNKNOWN_TIME) || !stamped.plusSeconds(1).isBefore(expireAt)) {
      unpinQuietly(sources, pinId);
      throw new CheckpointNotFoundException(
          "checkpoint of '"
              + sources.dbPath()
              + "' expired (at "
              + expireAt
              + ") before the clone could pin it");
    }
  }

  /** The name of the checkpoint a clone at {@code target} holds, cut to the name limit. */
  static String pinName(String target) {
    String name = PIN_NAME_PREFIX + target;
    while (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        > Checkpoint.MAX_NAME_BYTES) {
      name = name.substring(0, name.length() - 1);
    }
    return name;
  }

  /**
   * The clone's first state: the shared version's tables, each with its home (a table the source
   * itself borrows keeps its own home), its sequence numbers, and a fresh WAL and epochs.
   */
  static ManifestState firstState(ManifestState shared, String source, ClonePin pin) {
    List<TableInfo> l0 = homed(shared.l0(), source);
    List<SortedRun> runs = new ArrayList<>();
    for (SortedRun run : shared.sortedRuns()) {
      runs.add(new SortedRun(homed(run.tables(), source)));
    }
    return new ManifestState(
        0,
        0,
        0,
        1,
        shared.lastFlushedSeq(),
        l0,
        runs,
        List.of(),
        UnknownFields.none(),
        "",
        List.of(pin));
  }

  private static List<TableInfo> homed(List<TableInfo> tables, String source) {
    List<TableInfo> out = new ArrayList<>(tables.size());
    for (TableInfo t : tables) {
      out.add(t.isBorrowed() ? t : t.withHome(source));
    }
    return out;
  }

  static List<TableInfo> all(ManifestState state) {
    List<TableInfo> all = new ArrayList<>(state.l0());
    for (SortedRun run : state.sortedRuns()) {
      all.addAll(run.tables());
    }
    return all;
  }

  private static Checkpoint find(ManifestState state, UUID id, String path) {
    for (Checkpoint c : state.checkpoints()) {
      if (c.id().equals(id)) {
        return c;
      }
    }
    throw new CheckpointNotFoundException("no checkpoint " + id + " in database '" + path + "'");
  }

  private static DbExistsException exists(String target) {
    return new DbExistsException(
        "a database already exists at '" + target + "': a clone needs an empty path");
  }

  private static void unpinQuietly(ManifestStore sources, UUID pinId) {
    try {
      CloneRelease.removeCheckpoint(sources, pinId);
    } catch (RuntimeException e) {
      LOG.warn(
          "could not remove checkpoint {} of '{}' after a refused clone: {}; delete it by hand",
          pinId,
          sources.dbPath(),
          e.toString());
    }
  }
}
