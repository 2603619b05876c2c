package dev.shaledb.manifest;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One full snapshot of a database's durable state. Every manifest version holds one; changes are
 * made by deriving a new state (see {@link #toBuilder()}) and publishing it as the next version.
 *
 * @param writerEpoch the epoch of the current writer; raised by every writer open, 0 before any
 * @param compactorEpoch the epoch of the current compactor; raised by every compactor open
 * @param flushedWalId the WAL replay anchor: 0, or the id of a WAL object whose contents, and the
 *     contents of every WAL object before it, are in the tables below. Replay reads this object's
 *     header and applies the objects after it. Never decreases.
 * @param nextWalId a hint where the WAL ends: every WAL id in {@code [flushedWalId, nextWalId)}
 *     exists. Greater than {@code flushedWalId}
 * @param lastFlushedSeq the highest sequence number whose write is in the tables, 0 if none
 * @param l0 the L0 tables, newest first; their key ranges may overlap
 * @param sortedRuns the sorted runs, newest first
 * @param checkpoints pins on older manifest versions
 * @param unknownFields optional fields of a newer format version, carried through unchanged
 * @param condemnedThrough the garbage collector's table floor ("" for none): every table whose id
 *     sorts at or below it and that this state does not list is <em>condemned</em> — it may already
 *     be deleted, and no later version may list it (see {@link #requireNoneCondemned}). Never
 *     decreases along the chain. This is what makes deleting an unreferenced table safe however
 *     long its uploader stalls before publishing (docs/gc.md)
 * @param clonePins the checkpoints this database, a clone, holds in the databases it shares tables
 *     with; never empty while a table is {@linkplain TableInfo#isBorrowed() borrowed}. Only a
 *     publish without a role (creating the clone, its garbage collector) changes them
 */
public record ManifestState(
    long writerEpoch,
    long compactorEpoch,
    long flushedWalId,
    long nextWalId,
    long lastFlushedSeq,
    List<TableInfo> l0,
    List<SortedRun> sortedRuns,
    List<Checkpoint> checkpoints,
    UnknownFields unknownFields,
    String condemnedThrough,
    List<ClonePin> clonePins) {

  public ManifestState {
    requireNotNegative(writerEpoch, "writerEpoch");
    requireNotNegative(compactorEpoch, "compactorEpoch");
    requireNotNegative(flushedWalId, "flushedWalId");
    requireNotNegative(lastFlushedSeq, "lastFlushedSeq");
    if (nextWalId <= flushedWalId) {
      throw new IllegalArgumentException(
          "nextWalId " + nextWalId + " is not above flushedWalId " + flushedWalId);
    }
    l0 = List.copyOf(requireNonNull(l0, "l0 is null"));
    sortedRuns = List.copyOf(requireNonNull(sortedRuns, "sortedRuns is null"));
    checkpoints = List.copyOf(requireNonNull(checkpoints, "checkpoints is null"));
    requireNonNull(unknownFields, "unknownFields is null");
    requireNonNull(condemnedThrough, "condemnedThrough is null");
    if (!condemnedThrough.isEmpty()) {
      TableInfo.validateId(condemnedThrough);
    }
    clonePins = List.copyOf(requireNonNull(clonePins, "clonePins is null"));
    requireUniqueTableIds(l0, sortedRuns);
    requireUniqueCheckpointIds(checkpoints);
    if (clonePins.isEmpty() && hasBorrowedTables(l0, sortedRuns)) {
      throw new IllegalArgumentException(
          "tables of another database are listed, but no clone pin keeps them");
    }
  }

  /** A state that borrows no tables (not a clone, or one whose pins were released). */
  public ManifestState(
      long writerEpoch,
      long compactorEpoch,
      long flushedWalId,
      long nextWalId,
      long lastFlushedSeq,
      List<TableInfo> l0,
      List<SortedRun> sortedRuns,
      List<Checkpoint> checkpoints,
      UnknownFields unknownFields,
      String condemnedThrough) {
    this(
        writerEpoch,
        compactorEpoch,
        flushedWalId,
        nextWalId,
        lastFlushedSeq,
        l0,
        sortedRuns,
        checkpoints,
        unknownFields,
        condemnedThrough,
        List.of());
  }

  /** A state without a table floor (nothing condemned). */
  public ManifestState(
      long writerEpoch,
      long compactorEpoch,
      long flushedWalId,
      long nextWalId,
      long lastFlushedSeq,
      List<TableInfo> l0,
      List<SortedRun> sortedRuns,
      List<Checkpoint> checkpoints,
      UnknownFields unknownFields) {
    this(
        writerEpoch,
        compactorEpoch,
        flushedWalId,
        nextWalId,
        lastFlushedSeq,
        l0,
        sortedRuns,
        checkpoints,
        unknownFields,
        "");
  }

  /** The state of a database that has just been created: everything empty, epochs 0. */
  public static ManifestState initial() {
    return new ManifestState(0, 0, 0, 1, 0, List.of(), List.of(), List.of(), UnknownFields.none());
  }

  /**
   * Whether table {@code id} sorts at or below the table floor: if this state does not list it, it
   * is condemned (possibly deleted already) and no later version may list it.
   */
  public boolean isBelowFloor(String id) {
    return !condemnedThrough.isEmpty() && id.compareTo(condemnedThrough) <= 0;
  }

  /**
   * Checks the table-floor rule for a change from this state to {@code next}: the floor never
   * decreases, and {@code next} lists no table this state does not list whose id is at or below
   * this state's floor. Every publisher runs this against the base its version is published on
   * ({@link ManifestStore}), so a table a garbage collector condemned can never become referenced,
   * whatever the timing.
   *
   * @throws CondemnedTablesException naming the condemned tables {@code next} would list
   */
  public void requireNoneCondemned(ManifestState next) {
    if (next.condemnedThrough.compareTo(condemnedThrough) < 0) {
      throw new IllegalArgumentException(
          "the table floor moves back from '"
              + condemnedThrough
              + "' to '"
              + next.condemnedThrough
              + "'");
    }
    if (condemnedThrough.isEmpty()) {
      return;
    }
    Set<String> listed = tableIds();
    List<String> condemned = new ArrayList<>();
    for (String id : next.tableIds()) {
      if (!listed.contains(id) && isBelowFloor(id)) {
        condemned.add(id);
      }
    }
    if (!condemned.isEmpty()) {
      condemned.sort(null);
      throw new CondemnedTablesException(condemned, condemnedThrough);
    }
  }

  /**
   * Checks that {@code next} borrows no table this state does not list: a clone inherits its
   * borrowed tables when it is created and can only lose them, so the pins that keep them can be
   * released safely once no live version lists one (docs/gc.md, "Clones"). Every publisher runs
   * this against the base its version lands on, like {@link #requireNoneCondemned}.
   */
  public void requireNoNewBorrowedTables(ManifestState next) {
    if (!next.hasBorrowedTables()) {
      return;
    }
    Set<String> listed = tableIds();
    for (TableInfo t : next.l0()) {
      requireInherited(t, listed);
    }
    for (SortedRun run : next.sortedRuns()) {
      for (TableInfo t : run.tables()) {
        requireInherited(t, listed);
      }
    }
  }

  private static void requireInherited(TableInfo t, Set<String> listed) {
    if (t.isBorrowed() && !listed.contains(t.id())) {
      throw new IllegalArgumentException(
          "table " + t.id() + " of database '" + t.home() + "' would be borrowed anew");
    }
  }

  /** The epoch of {@code role}. */
  public long epoch(Role role) {
    requireNonNull(role, "role is null");
    return role == Role.WRITER ? writerEpoch : compactorEpoch;
  }

  /** A copy with {@code role}'s epoch set to {@code epoch}. */
  public ManifestState withEpoch(Role role, long epoch) {
    requireNonNull(role, "role is null");
    Builder b = toBuilder();
    return (role == Role.WRITER ? b.writerEpoch(epoch) : b.compactorEpoch(epoch)).build();
  }

  /** The ids of every table this state lists, in L0 and in the sorted runs. */
  public Set<String> tableIds() {
    Set<String> ids = new HashSet<>();
    for (TableInfo t : l0) {
      ids.add(t.id());
    }
    for (SortedRun run : sortedRuns) {
      for (TableInfo t : run.tables()) {
        ids.add(t.id());
      }
    }
    return ids;
  }

  /** Whether any listed table lives in another database's folder; see {@link ClonePin}. */
  public boolean hasBorrowedTables() {
    return hasBorrowedTables(l0, sortedRuns);
  }

  private static boolean hasBorrowedTables(List<TableInfo> l0, List<SortedRun> runs) {
    for (TableInfo t : l0) {
      if (t.isBorrowed()) {
        return true;
      }
    }
    for (SortedRun run : runs) {
      for (TableInfo t : run.tables()) {
        if (t.isBorrowed()) {
          return true;
        }
      }
    }
    return false;
  }

  /** The first WAL id whose contents may be missing from the tables. */
  public long replayStartWalId() {
    return flushedWalId + 1;
  }

  /** A builder initialised with this state, for deriving a changed copy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  private static void requireNotNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " is negative: " + value);
    }
  }

  private static void requireUniqueTableIds(List<TableInfo> l0, List<SortedRun> runs) {
    Set<String> ids = new HashSet<>();
    List<TableInfo> all = new ArrayList<>(l0);
    for (SortedRun run : runs) {
      all.addAll(run.tables());
    }
    for (TableInfo table : all) {
      if (!ids.add(table.id())) {
        throw new IllegalArgumentException("table id " + table.id() + " is listed twice");
      }
    }
  }

  private static void requireUniqueCheckpointIds(List<Checkpoint> checkpoints) {
    Set<UUID> ids = new HashSet<>();
    for (Checkpoint checkpoint : checkpoints) {
      if (!ids.add(checkpoint.id())) {
        throw new IllegalArgumentException("checkpoint id " + checkpoint.id() + " is listed twice");
      }
    }
  }

  /** Derives a changed {@link ManifestState}; {@link #build()} validates the result. */
  public static final class Builder {
    private long writerEpoch;
    private long compactorEpoch;
    private long flushedWalId;
    private long nextWalId;
    private long lastFlushedSeq;
    private List<TableInfo> l0;
    private List<SortedRun> sortedRuns;
    private List<Checkpoint> checkpoints;
    private final UnknownFields unknownFields;
    private String condemnedThrough;
    private List<ClonePin> clonePins;

    private Builder(ManifestState s) {
      writerEpoch = s.writerEpoch;
      compactorEpoch = s.compactorEpoch;
      flushedWalId = s.flushedWalId;
      nextWalId = s.nextWalId;
      lastFlushedSeq = s.lastFlushedSeq;
      l0 = s.l0;
      sortedRuns = s.sortedRuns;
      checkpoints = s.checkpoints;
      unknownFields = s.unknownFields;
      condemnedThrough = s.condemnedThrough;
      clonePins = s.clonePins;
    }

    public Builder writerEpoch(long value) {
      writerEpoch = value;
      return this;
    }

    public Builder compactorEpoch(long value) {
      compactorEpoch = value;
      return this;
    }

    public Builder flushedWalId(long value) {
      flushedWalId = value;
      return this;
    }

    public Builder nextWalId(long value) {
      nextWalId = value;
      return this;
    }

    public Builder lastFlushedSeq(long value) {
      lastFlushedSeq = value;
      return this;
    }

    public Builder l0(List<TableInfo> value) {
      l0 = requireNonNull(value, "l0 is null");
      return this;
    }

    /** Puts {@code table} in front of the L0 list (L0 is newest first). */
    public Builder addL0(TableInfo table) {
      List<TableInfo> next = new ArrayList<>(l0.size() + 1);
      next.add(requireNonNull(table, "table is null"));
      next.addAll(l0);
      l0 = next;
      return this;
    }

    public Builder sortedRuns(List<SortedRun> value) {
      sortedRuns = requireNonNull(value, "sortedRuns is null");
      return this;
    }

    public Builder checkpoints(List<Checkpoint> value) {
      checkpoints = requireNonNull(value, "checkpoints is null");
      return this;
    }

    public Builder addCheckpoint(Checkpoint checkpoint) {
      List<Checkpoint> next = new ArrayList<>(checkpoints);
      next.add(requireNonNull(checkpoint, "checkpoint is null"));
      checkpoints = next;
      return this;
    }

    /** Sets the table floor; see {@link ManifestState#condemnedThrough()}. */
    public Builder condemnedThrough(String value) {
      condemnedThrough = requireNonNull(value, "condemnedThrough is null");
      return this;
    }

    /** Sets the clone pins; see {@link ManifestState#clonePins()}. */
    public Builder clonePins(List<ClonePin> value) {
      clonePins = requireNonNull(value, "clonePins is null");
      return this;
    }

    public ManifestState build() {
      return new ManifestState(
          writerEpoch,
          compactorEpoch,
          flushedWalId,
          nextWalId,
          lastFlushedSeq,
          l0,
          sortedRuns,
          checkpoints,
          unknownFields,
          condemnedThrough,
          clonePins);
    }
  }
}
