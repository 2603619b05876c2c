package dev.shaledb.chaos;

/**
 * Where an in-process crash happens. Most are object-store request boundaries, recognised by the
 * request's kind and key folder, so they need no hook in the engine: "before" crashes instead of
 * sending the request, "after" sends it, lets the store apply it, and crashes before the answer
 * reaches the process. Points in the code that a store request cannot name (an acknowledgement, a
 * compaction between its uploads and its publication, a GC between deletes, a checkpoint) fire
 * through the engine's {@code DbListener} ({@link CrashHooks}); {@link #AT_OP_COUNT} is
 * harness-driven. New points go at the end: {@link BankRun} draws from the first six.
 */
public enum CrashPoint {
  /** Before a WAL object put: the batch is not durable. */
  BEFORE_WAL_PUT,
  /** After a WAL object put landed, before the writer heard: durable, not acknowledged. */
  AFTER_WAL_PUT,
  /** Before a table upload. */
  BEFORE_TABLE_PUT,
  /** After a table upload, before the manifest lists it: an orphan table. */
  AFTER_TABLE_PUT,
  /** Before a manifest put (flush publication, or the writer epoch bump at open). */
  BEFORE_MANIFEST_PUT,
  /** After a manifest put landed, before the writer heard. */
  AFTER_MANIFEST_PUT,
  /** At the n-th object-store request of {@code Db.open}: recovery itself dies. */
  DURING_RECOVERY,
  /** After n operations of the workload, whatever background work is under way. */
  AT_OP_COUNT,
  /** Before an object delete: garbage collection. */
  BEFORE_DELETE,
  /**
   * Mid-compaction: every output of a job uploaded, the manifest update publishing them not sent
   * (engine hook; to the store a compaction output looks like a flushed table).
   */
  DURING_COMPACTION,
  /** Mid-checkpoint: memtables flushed, the manifest update adding the checkpoint not sent. */
  DURING_CHECKPOINT,
  /** Before acknowledging the n-th durable write: it is durable, its caller is not told. */
  BEFORE_ACK,
  /**
   * Right after acknowledging the n-th durable write: the caller was told, then the process died.
   */
  AFTER_ACK,
  /** Mid-GC: before the n-th object deletion of the process's collector, after the ones before. */
  DURING_GC,
  /** {@code Db.open} dies right after its n-th step: epoch raised, WAL fenced, WAL replayed. */
  AT_RECOVERY_STEP;

  /** The points the store can fire by itself, given a request kind and its key. */
  static CrashPoint beforePoint(String op, String key) {
    if (op.equals("DELETE")) {
      return BEFORE_DELETE;
    }
    if (!op.equals("PUT")) {
      return null;
    }
    return folder(key, BEFORE_WAL_PUT, BEFORE_TABLE_PUT, BEFORE_MANIFEST_PUT);
  }

  static CrashPoint afterPoint(String op, String key) {
    return op.equals("PUT")
        ? folder(key, AFTER_WAL_PUT, AFTER_TABLE_PUT, AFTER_MANIFEST_PUT)
        : null;
  }

  private static CrashPoint folder(
      String key, CrashPoint wal, CrashPoint sst, CrashPoint manifest) {
    if (key.contains("wal/")) {
      return wal;
    }
    if (key.contains("sst/")) {
      return sst;
    }
    return key.contains("manifest/") ? manifest : null;
  }

  /** Whether the store fires this point at a request boundary. */
  boolean atRequestBoundary() {
    return this != AT_OP_COUNT && !atEngineHook();
  }

  /** Whether the engine's listener fires this point ({@link CrashHooks}). */
  boolean atEngineHook() {
    return this == DURING_COMPACTION
        || this == DURING_CHECKPOINT
        || this == BEFORE_ACK
        || this == AFTER_ACK
        || this == DURING_GC
        || this == AT_RECOVERY_STEP;
  }
}
