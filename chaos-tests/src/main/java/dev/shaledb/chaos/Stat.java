package dev.shaledb.chaos;

/** A counter of the chaos report; {@link #mustBeZero()} marks the rows a passing run keeps at 0. */
public enum Stat {
  SEEDS_RUN("seeds run", false),
  PROCESSES("processes started (in-process)", false),
  OPS_ATTEMPTED("operations attempted", false),
  WRITES_ATTEMPTED("write calls attempted", false),
  WRITES_ACKED("write calls acknowledged durable (directly or by a later flush)", false),
  WRITES_ACCEPTED("non-durable write calls accepted", false),
  WRITES_FAILED("write calls failed with an error", false),
  WRITES_UNKNOWN("write calls with outcome unknown", false),
  READS("reads checked (get, scan, snapshot, DbReader)", false),
  READ_ERRORS("reads failed with an error", false),
  READS_TOO_OLD("  of those, SnapshotTooOldException (allowed after stalls)", false),
  LOST_ACKED("acknowledged writes lost", true),
  RESURRECTED("resurrected deletes", true),
  PHANTOM("phantom values", true),
  STALE_READS("stale reads", true),
  HELD_CHECKED("held iterators checked (open across writes, flush, compaction, GC)", false),
  HELD_ACROSS_DELETION("  of those, held across a GC run that deleted tables", false),
  HELD_REFUSED("held iterators refused with SnapshotTooOldException", false),
  HELD_WRONG("held iterators not showing the state they were opened at", true),
  SCANS_REVERSE("scans checked in reverse (workload, DbReader, held)", false),
  SCANS_SEEKING("scans checked after a seek, seekToFirst or seekToLast", false),
  SCANS_MISORDERED("scans with keys out of order or outside a seek's bounds", true),
  DURABLE_READS("durable-only reads checked", false),
  DURABLE_READS_WRONG("durable-only reads wrong (stale, phantom, or not durable)", true),
  FAILED_WRITES_CHECKED("failed writes read back on the failed Db", false),
  FAILED_WRITES_DURABLE("  of those, durable after all (flushed before the WAL failed)", false),
  FAILED_WRITES_VISIBLE("failed writes visible to the failed Db's own reads", true),
  CORRUPTION_SURFACED("corruptions surfaced as CorruptObjectException", false),
  CORRUPT_DATA_RETURNED("corrupt data returned to a caller", true),
  // The corruption account (CorruptionAudit); every injected corruption lands in one of the next
  // six, and the report renders them together under "corruptions injected vs detected".
  CORRUPTIONS_DETECTED("detected: matched to onCorruptionDetected by key and offset", false),
  CORRUPTIONS_SKIPPED_TAIL_READ_DATA(
      "not inspected: a table's suffix read, damaged only in data blocks", false),
  CORRUPTIONS_SKIPPED_PAST_DATA(
      "not inspected: a table's block read, damaged only past the data", false),
  CORRUPTIONS_UNRESOLVED_CHUNK(
      "unresolved: a compaction chunk, damaged past its first block", false),
  CORRUPTIONS_UNRESOLVED_NO_LAYOUT(
      "unresolved: the table was gone before its layout was read", false),
  CORRUPTIONS_UNDETECTED("undetected: damaged bytes decoded, no detection", true),
  DETECTIONS_UNMATCHED("detections without a damaged read of that key", false),
  RECOVERIES_OK("recoveries OK (verifying reopen)", false),
  RECOVERIES_FAILED("recoveries failed (verifying reopen, no faults)", true),
  OPEN_FAILURES_RETRIED("faulty opens failed and retried", false),
  RESTARTS_AFTER_WRITE_FAILURE("processes restarted after a failed write", false),
  WRITERS_FENCED("writers fenced", false),
  ZOMBIE_ATTEMPTS("zombie write attempts", false),
  ZOMBIE_FENCED("zombie write attempts refused with FencedException", false),
  ZOMBIE_ACKS("zombie acknowledgements", true),
  TWIN_OPENS("two writers opened at once", false),
  TWIN_DOUBLE_ACKS("both twin writers acknowledged after both opened", true),
  LATE_PUTS_KEPT("puts of dead processes kept to land late", false),
  LATE_PUTS_LANDED("late puts that landed (412s are fencing working)", false),
  SKEWED_CLOCKS("processes with a skewed clock (up to ±10 min)", false),
  BANK_TRANSFERS("bank transfers acknowledged (transactions committed)", false),
  BANK_CONFLICTS("bank transfers refused with TransactionConflictException", false),
  BANK_AUDITS("bank audits run", false),
  BANK_AUDITS_FAILED("bank audits failed", true),
  CHECKPOINTS("checkpoints created by the workload", false),
  MERGES("merges attempted by the workload", false),
  RANGE_DELETES("range deletes attempted by the workload (1 to 8 keys each)", false),
  TTL_WRITES("puts and merges with a time to live (their own or the default)", false),
  DEFAULT_TTL_PROCESSES("processes with DbOptions.defaultTtl (1 s to 10 min)", false),
  WARMING_PROCESSES(
      "processes whose flushes and compactions warm the block cache (off by default)", false),
  RUN_DEBT_PROCESSES(
      "processes with maxRuns 2, tierMergeWidth 2-4 (runs beyond it: paced, a run job more)",
      false),
  BULK_LOAD_PROCESSES("processes in bulk-load mode (no WAL: only flushes promise writes)", false),
  BULK_LOAD_FLUSHES("  their flush() calls that returned (each promising earlier writes)", false),
  CLOCK_JUMPS("jumps of the shared clock (1 to 60 min, every process at once)", false),
  EXPIRED_READS("reads and verified keys whose newest acked write had expired", false),
  EXPIRY_AMBIGUOUS("  reads whose now fell in an expiry window (either outcome taken)", false),
  EXPIRED_DROPPABLE("keys verified absent, expired past expiryGrace + max skew", false),
  EXPIRED_VALUES_READ("expired values read (surely expired by the reader's clock)", true),
  COMPACTIONS_PUBLISHED("compactions published (in-process)", false),
  COMPACTIONS_CRASHED("compactions crashed between upload and publish (DURING_COMPACTION)", false),
  COMPACTIONS_RESUMED("  of those, resumed: a later process's compactor published", false),
  STALL_TABLES_DELETED("tables deleted by the GC runs of stalls (minAge 0)", false),
  STALL_GC_FAILED("stall GC runs that failed (a lost race with a publish)", false),
  KILL_CYCLES("kill -9 cycles", false),
  KILL_WRITES_ACKED("kill -9 writes acknowledged", false),
  KILL_LARGE_CYCLES("  of those cycles, large-object ones on S3 (tables sent in parts)", false),
  KILLS_AIMED_AT_UPLOADS("  of those, kills aimed at a part upload reaching the server", false),
  MULTIPART_COMPLETED("multipart uploads completed (S3 server's view)", false),
  MULTIPART_LEFT_BY_KILL("multipart uploads left incomplete by kill -9", false),
  PART_ERRORS_INJECTED("part uploads answered 500 by the S3 server", false),
  MULTIPART_ABORTED("multipart uploads failed by those 500s, aborted by the engine", false),
  TABLES_VERIFIED_WHOLE("table objects listed after kill -9 and verified whole", false),
  PARTIAL_OBJECTS_VISIBLE("partial objects visible (listed tables failing to verify)", true),
  MISSING_OBJECTS("referenced-but-missing objects (full scans, final GC check)", true),
  DISK_CACHE_PROCESSES("processes with a disk cache (seeded with the last one's files)", false),
  DISK_CACHE_DAMAGE(
      "disk cache files damaged (flip, cut, swap, delete; live and between lives)", false),
  DISK_CACHE_BYTES_LEFT("disk cache segment bytes left by killed kill -9 children", false),
  DISK_CACHE_HITS("block reads served by a disk cache", false),
  DISK_CACHE_ENTRIES_DAMAGED("  disk cache entries found damaged and read from the store", false),
  CLONES_CREATED("clones created (Db.createClone, or Clones.create at a checkpoint)", false),
  CLONE_CREATIONS_FAILED("clone creations failed by injected faults or crashes", false),
  CLONE_FAILED_ABSENT("  of those, no clone left (DbNotFoundException at the target)", false),
  CLONE_FAILED_COMPLETE("  of those, a complete clone left (verified like any clone)", false),
  CLONE_REWRITING("clones whose processes rewrite borrowed tables", false),
  CLONE_CYCLES("process lifetimes on a clone (writes, compaction, GC, faults)", false),
  CLONE_SOURCE_GC("GC runs of a source (minAge 0) while its clone's processes ran", false),
  CLONE_KEYS_VERIFIED("clone keys verified (full scans of clones against their oracle)", false),
  CLONE_PINS_RELEASED("clone pins released (shares nothing; checkpoint gone from source)", false),
  CLONE_VALUES_WRONG("clone values lost or wrong (or a pin gone while tables are shared)", true),
  ORPHANED_BYTES("orphaned table bytes after a final GC with minAge 0", false);

  /** The rows of the corruption account, in report order. */
  static final java.util.Set<Stat> CORRUPTION_ACCOUNT =
      java.util.Collections.unmodifiableSet(
          java.util.EnumSet.range(CORRUPTIONS_DETECTED, DETECTIONS_UNMATCHED));

  private final String label;
  private final boolean mustBeZero;

  Stat(String label, boolean mustBeZero) {
    this.label = label;
    this.mustBeZero = mustBeZero;
  }

  public String label() {
    return label;
  }

  public boolean mustBeZero() {
    return mustBeZero;
  }
}
