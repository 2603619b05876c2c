package dev.shaledb;

import dev.shaledb.error.CorruptObjectException;
import java.util.List;

/**
 * Told, synchronously, when a database passes one of a few named points of its protocol: for
 * observability, and for tests that crash a process exactly there. Set it with {@link
 * DbOptions.Builder#listener}; every method has a no-op default, so an implementation overrides
 * only what it watches.
 *
 * <p>Each method runs on the thread doing the work (named per method), while that work waits for
 * it, so it must be fast and must not call back into the database. It may be called from several
 * threads at once.
 *
 * <p>An exception thrown by a method fails the operation in progress exactly as an object-store
 * failure at that point would: the operation stops there and what it already made durable stays
 * durable. The recovery, publication and GC protocols must tolerate a process dying at any request
 * boundary, so they tolerate this too. A crash-testing harness uses that: it kills its process's
 * store and throws, and the process dies mid-protocol at a point the store alone cannot tell apart
 * (a compaction output looks like a flushed table to the store). Methods documented as called after
 * the fact ({@link #afterAcknowledge}, {@link #onCompactionPublished}) cannot fail their operation
 * any more; what they throw is logged and dropped. {@link #onCorruptionDetected} only observes:
 * what it throws never replaces or hides the corruption.
 */
public interface DbListener {
  /** The listener that does nothing, the default. */
  DbListener NONE = new DbListener() {};

  /** The background work whose failures {@link #onBackgroundError} reports. */
  enum BackgroundTask {
    /** Turning a memtable into a table and publishing it; retried every 500 ms. */
    FLUSH,
    /** A compaction job or the compactor's manifest refresh; retried after a pause. */
    COMPACTION,
    /** A periodic garbage collection run; retried at the next interval. */
    GC,
    /** A manifest poll (a Db with compaction elsewhere, a standalone compactor); polled again. */
    MANIFEST_POLL
  }

  /** The steps of {@link Db#open}, in order (docs/protocol.md §5). */
  enum RecoveryStep {
    /** The writer epoch in the manifest is raised: earlier writers' manifest updates now fail. */
    EPOCH_RAISED,
    /** The WAL fence is placed: earlier writers' WAL puts now fail. */
    WAL_FENCED,
    /** The WAL is replayed into the memtable; the WAL writer has not started. */
    WAL_REPLAYED
  }

  /**
   * A write is about to be acknowledged: a durable write is durable in the WAL, a non-durable one
   * is applied. Called on the thread that called {@link Db#write} (or, for {@link Db#writeAsync},
   * the thread completing its WAL upload). Throwing fails the write call (its future), although the
   * write is applied and, if durable, durable: like a write whose upload outcome is unknown, a
   * reopen shows it whole or not at all.
   *
   * @param lastSeq the sequence number of the batch's last operation
   * @param durable whether the caller asked to wait for durability
   */
  default void beforeAcknowledge(long lastSeq, boolean durable) {}

  /**
   * A write was acknowledged: the call returns normally (its future completed) whatever this method
   * does. Called on the thread that called {@link Db#write} just before it returns (for {@link
   * Db#writeAsync}, after its future completed).
   *
   * @param lastSeq the sequence number of the batch's last operation
   * @param durable whether the caller asked to wait for durability
   */
  default void afterAcknowledge(long lastSeq, boolean durable) {}

  /**
   * A memtable flush uploaded L0 table {@code tableId}, which nothing references yet: the manifest
   * update that publishes it (with the new WAL replay anchor) comes next. Called on a flush thread,
   * once per upload (a flush whose table garbage collection condemned during a stall uploads again
   * under a new id). Throwing fails this flush attempt as a failed manifest update would: the table
   * stays unreferenced, the memtable stays in memory and the flush is retried later.
   */
  default void onFlushUploaded(String tableId) {}

  /**
   * Every output table of a compaction is uploaded and none is referenced yet: the manifest update
   * that publishes them comes next. Called on a compaction thread. Throwing abandons the job as a
   * failed manifest update would: the outputs stay unreferenced (garbage for GC) and the inputs
   * stay published, and compaction plans again later.
   *
   * @param inputTableIds the tables the compaction replaces
   * @param outputTableIds the tables it wrote (empty if everything was dropped)
   */
  default void onCompactionOutputsUploaded(
      List<String> inputTableIds, List<String> outputTableIds) {}

  /**
   * A compaction was published in manifest version {@code manifestId}. Called on a compaction
   * thread.
   */
  default void onCompactionPublished(long manifestId) {}

  /**
   * Garbage collection is about to delete {@code key} (a table or a WAL object). Called on the
   * thread running the collection, once per object, after the deletes before it were issued.
   * Throwing ends the run there, as a failed delete would: the rest stays for the next run.
   */
  default void beforeGcDelete(String key) {}

  /**
   * A checkpoint is about to be published: the memtables are flushed if asked and the manifest
   * update that adds the checkpoint comes next. Called on the thread that called {@link
   * Db#createCheckpoint}. Throwing fails the call and no checkpoint exists.
   */
  default void onCheckpointPublishing(String name) {}

  /**
   * {@link Db#open} finished {@code step}. Called on the opening thread. Throwing fails the open as
   * a store failure after that step would: nothing is served, and the next open recovers from where
   * this one stopped.
   */
  default void onRecoveryStep(RecoveryStep step) {}

  /**
   * The engine found a stored object damaged: a checksum, magic-number, length or structural check
   * failed on bytes it read (a table's tail or block, a manifest version, a WAL object or header),
   * and the bytes were not used as data. Called exactly once per detection, on the thread that
   * detected it, before the exception goes on: to the caller of {@link Db#get}, a scan or {@link
   * Db#open}, or into background work that logs it and retries (compaction, garbage collection, a
   * manifest poll, a {@link DbReader} poll), or nowhere, when the read was speculative (WAL
   * read-ahead past a failure) or a sibling failed first (one subcompaction of a failed job). So a
   * caller may see a corruption that was reported once, or never see one that was.
   *
   * <p>Throwing does not mask the corruption: what this method throws is logged and attached to
   * {@code e} as a {@linkplain Throwable#getSuppressed() suppressed} exception, and {@code e}
   * propagates (or is retried) exactly as it would with no listener.
   *
   * @param e the detection; {@link CorruptObjectException#key()} names the damaged object and
   *     {@link CorruptObjectException#offset()} where the failed check looked ({@code -1} for the
   *     whole object)
   */
  default void onCorruptionDetected(CorruptObjectException e) {}

  /**
   * Background work failed and will be retried (a flush whose upload failed, a compaction, a GC
   * run, a manifest poll): the writes go on until memory runs out, so an application may want to
   * know early. Called on the background thread, every time; also counted in {@link
   * DbStats#backgroundFailures()} and logged (one WARN line per task at most every 30 seconds).
   * Only observes: what it throws is logged at DEBUG and dropped.
   */
  default void onBackgroundError(BackgroundTask task, Throwable error) {}
}
