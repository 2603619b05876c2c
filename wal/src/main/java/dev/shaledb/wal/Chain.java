package dev.shaledb.wal;

import dev.shaledb.error.CorruptObjectException;
import java.util.function.Consumer;

/** The replay rules of {@link WalReader#replay}: which objects of the log are applied. */
final class Chain {
  private final String dbPath;
  private final long anchorId;
  private final Consumer<? super CorruptObjectException> onCorrupt;
  private long maxEpoch;
  private long tail;
  private long lastSeq;
  private int applied;
  private int skipped;
  private long batches;

  /** {@code onCorrupt} hears of every chain that breaks the rules, before it is thrown. */
  Chain(String dbPath, long anchorId, Consumer<? super CorruptObjectException> onCorrupt) {
    this.dbPath = dbPath;
    this.anchorId = anchorId;
    this.onCorrupt = onCorrupt;
    this.tail = anchorId;
  }

  void start(WalObjectHeader anchor) {
    maxEpoch = anchor.epoch();
    tail = anchor.walId();
  }

  void accept(WalObject object, Consumer<? super ReplayedBatch> sink) {
    WalObjectHeader h = object.header();
    if (h.epoch() < maxEpoch) {
      skipped++; // a fenced writer's put that landed after the fence
      return;
    }
    if (h.epoch() > maxEpoch) {
      if (!h.fence() && maxEpoch > 0) {
        throw corrupt(h, "epoch " + h.epoch() + " begins without its fence");
      }
      maxEpoch = h.epoch();
      tail = h.walId();
      applyBatches(object, sink);
      return;
    }
    if (h.fence()) {
      throw corrupt(h, "a second fence of epoch " + h.epoch());
    }
    if (h.prevId() != tail) {
      skipped++; // an orphan: its predecessor was re-placed, so was it
      return;
    }
    tail = h.walId();
    applyBatches(object, sink);
  }

  private void applyBatches(WalObject object, Consumer<? super ReplayedBatch> sink) {
    applied++;
    for (WalBatch batch : object.batches()) {
      sink.accept(new ReplayedBatch(object.header().walId(), batch));
      lastSeq = Math.max(lastSeq, batch.lastSeq());
      batches++;
    }
  }

  WalReplay result(long firstAbsentId) {
    return new WalReplay(
        anchorId, tail, firstAbsentId, maxEpoch, lastSeq, applied, skipped, batches);
  }

  private CorruptObjectException corrupt(WalObjectHeader h, String problem) {
    return WalReader.reported(
        onCorrupt, new CorruptObjectException(WalKeys.key(dbPath, h.walId()), 0, problem));
  }
}
