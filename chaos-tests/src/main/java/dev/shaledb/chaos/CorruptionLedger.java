package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.objectstore.ObjectStore;
import java.util.ArrayList;
import java.util.List;

/**
 * One process's side of the corruption account: the reads its {@link FaultInjectingObjectStore}
 * damaged (with the table layout read from the undamaged store at that moment, since GC may delete
 * the table soon after) and the corruptions its engine reported through {@link
 * dev.shaledb.DbListener#onCorruptionDetected}. {@link CorruptionAudit} matches them. Thread-safe.
 */
final class CorruptionLedger {
  /** A damaged read, with the layout of the table it read (null for other objects). */
  record Damage(DamagedRead read, SstLayout layout) {}

  /** One {@code onCorruptionDetected} call. */
  record Detection(String key, long offset, String message, long nanos) {}

  private final int process;
  private final ObjectStore truth;
  private final List<Damage> damages = new ArrayList<>();
  private final List<Detection> detections = new ArrayList<>();

  /**
   * @param process the process's id, for findings
   * @param truth the undamaged store, read without faults, metering or crash points
   */
  CorruptionLedger(int process, ObjectStore truth) {
    this.process = process;
    this.truth = requireNonNull(truth, "truth is null");
  }

  int process() {
    return process;
  }

  /** Records a damaged read; called before its caller gets the bytes. */
  void damaged(DamagedRead read) {
    SstLayout layout = read.key().contains("/sst/") ? SstLayout.read(truth, read.key()) : null;
    synchronized (this) {
      damages.add(new Damage(read, layout));
    }
  }

  /** Records a detection the engine reported. */
  void detected(CorruptObjectException e) {
    Detection d = new Detection(e.key(), e.offset(), e.getMessage(), System.nanoTime());
    synchronized (this) {
      detections.add(d);
    }
  }

  synchronized List<Damage> damages() {
    return List.copyOf(damages);
  }

  synchronized List<Detection> detections() {
    return List.copyOf(detections);
  }
}
