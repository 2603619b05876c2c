package dev.shaledb.chaos;

/**
 * Where a process may stall longer than garbage collection's {@code minAge} ({@link Stalls}): every
 * point between an upload and the manifest publish that references it, and a reader's catch-up. The
 * rate is the chance per passage that the stall is injected there; the points a process passes
 * often (flush uploads, recovery steps) get lower rates so that each point fires a few hundred
 * times in the quick tier without a GC run per operation.
 */
public enum StallPoint {
  /** A flush uploaded its L0 table; the publish listing it is next ({@code onFlushUploaded}). */
  FLUSH_UPLOADED("engine hook", 0.02),
  /**
   * A compaction uploaded every output; its publish is next ({@code onCompactionOutputsUploaded}).
   */
  COMPACTION_UPLOADED("engine hook", 0.04),
  /** A checkpoint's memtables are flushed; its publish is next ({@code onCheckpointPublishing}). */
  CHECKPOINT_PUBLISHING("engine hook", 0.15),
  /** {@code Db.open} finished a step: epoch raised, WAL fenced or WAL replayed. */
  RECOVERY_STEP("engine hook", 0.02),
  /**
   * A {@code DbReader} is about to read a manifest or WAL object (store boundary of the reader).
   */
  READER_CATCH_UP("reader store", 0.01);

  private final String where;
  private final double rate;

  StallPoint(String where, double rate) {
    this.where = where;
    this.rate = rate;
  }

  /** How the harness reaches the point, for the report. */
  String where() {
    return where;
  }

  /** The chance per passage that a stall is injected here. */
  double rate() {
    return rate;
  }
}
