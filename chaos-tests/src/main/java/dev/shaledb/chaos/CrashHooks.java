package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import dev.shaledb.DbListener;
import dev.shaledb.error.CorruptObjectException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine hook of one process: at each {@link DbListener} point that matches an armed {@link
 * CrashPoint} it crashes the process's {@link CrashPointStore} and throws, so the engine stops
 * exactly there with nothing more reaching the store. Only durable writes count for {@link
 * CrashPoint#BEFORE_ACK} and {@link CrashPoint#AFTER_ACK}: their acknowledgement is the promise the
 * oracle holds the engine to. Also counts the compactions the process published, for the report's
 * "resumed" row, and hands every corruption the engine detects to the process's {@link
 * CorruptionLedger} (never crashing there: a detection is an observation). At the points between an
 * upload and its publish (and at recovery steps) it may also stall the process past GC's minAge
 * ({@link Stalls}), on the engine's thread, before the engine goes on. Thread-safe.
 */
final class CrashHooks implements DbListener {
  /** What a hook throws after crashing its process. */
  static final class InjectedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedCrash(CrashPoint point) {
      super("the process crashed (injected) at " + point);
    }
  }

  private final CrashPointStore boundary;
  private final CorruptionLedger ledger;
  private final Stalls stalls;
  private final AtomicLong compactionsPublished = new AtomicLong();

  CrashHooks(CrashPointStore boundary, CorruptionLedger ledger) {
    this(boundary, ledger, Stalls.none());
  }

  CrashHooks(CrashPointStore boundary, CorruptionLedger ledger, Stalls stalls) {
    this.boundary = requireNonNull(boundary, "boundary is null");
    this.ledger = requireNonNull(ledger, "ledger is null");
    this.stalls = requireNonNull(stalls, "stalls is null");
  }

  /** Compactions this process published so far. */
  long compactionsPublished() {
    return compactionsPublished.get();
  }

  @Override
  public void beforeAcknowledge(long lastSeq, boolean durable) {
    if (durable) {
      crashAt(CrashPoint.BEFORE_ACK);
    }
  }

  @Override
  public void afterAcknowledge(long lastSeq, boolean durable) {
    // The engine drops what this throws (the write is acknowledged); the store is dead all the
    // same.
    if (durable) {
      crashAt(CrashPoint.AFTER_ACK);
    }
  }

  @Override
  public void onFlushUploaded(String tableId) {
    stall(StallPoint.FLUSH_UPLOADED);
  }

  @Override
  public void onCompactionOutputsUploaded(List<String> inputTableIds, List<String> outputTableIds) {
    crashAt(CrashPoint.DURING_COMPACTION);
    stall(StallPoint.COMPACTION_UPLOADED);
  }

  @Override
  public void onCompactionPublished(long manifestId) {
    compactionsPublished.incrementAndGet();
  }

  @Override
  public void beforeGcDelete(String key) {
    crashAt(CrashPoint.DURING_GC);
  }

  @Override
  public void onCheckpointPublishing(String name) {
    crashAt(CrashPoint.DURING_CHECKPOINT);
    stall(StallPoint.CHECKPOINT_PUBLISHING);
  }

  @Override
  public void onRecoveryStep(RecoveryStep step) {
    crashAt(CrashPoint.AT_RECOVERY_STEP);
    stall(StallPoint.RECOVERY_STEP);
  }

  @Override
  public void onCorruptionDetected(CorruptObjectException e) {
    ledger.detected(e);
  }

  /** A dead process stalls no more: its publish can never land anyway. */
  private void stall(StallPoint point) {
    if (!boundary.isCrashed()) {
      stalls.maybeStall(point);
    }
  }

  private void crashAt(CrashPoint point) {
    if (boundary.fireHook(point)) {
      throw new InjectedCrash(point);
    }
  }
}
