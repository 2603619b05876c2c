package dev.shaledb.reader;

import dev.shaledb.DbReader;
import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.DbException;
import dev.shaledb.iterate.EntryIterator;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.sst.RangeTombstone;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.view.Memtable;
import dev.shaledb.wal.ReplayAnchorMissingException;
import dev.shaledb.wal.ReplayedBatch;
import dev.shaledb.wal.WalReader;
import dev.shaledb.wal.WalReplay;
import dev.shaledb.write.WalApply;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Moves a {@link DbReader}'s view forward to the latest durable state, without ever writing.
 *
 * <p>One {@link #refresh()} (serialised; the poller and callers share it): probe the WAL id after
 * the last one read (one ranged GET when nothing changed) and, if it exists, replay the log with
 * {@link WalReader#replay} from the chain tail reached so far; then probe the manifest id after the
 * cached one (one HEAD when nothing changed), and on a newer manifest switch to its tables, keep
 * only the memtable versions above its {@code lastFlushedSeq}, and read the WAL again. The manifest
 * is probed after the WAL, because a WAL object can vanish only after a newer manifest moved the
 * anchor past it: so what looked like the end of the log is checked against that. Replay from the
 * tail applies exactly the rules of recovery (fenced writers' late objects and orphans are skipped,
 * corruption stops), because the chain's whole state is its tail object: its header restores the
 * epoch. The replayed writes are the ones the next writer's recovery would replay, so what the
 * reader shows never goes back.
 *
 * <p>Garbage collection deletes WAL objects only below a published anchor. If the tail object is
 * gone, a newer manifest with a higher anchor exists: the refresh re-reads the manifest and
 * restarts from its anchor. A gap in the middle of a replay ends it early (the next refresh fixes
 * that through the manifest), it is never skipped over.
 */
public final class ReaderCatchUp {
  /** How often one refresh follows a vanished WAL tail to a newer manifest before giving up. */
  private static final int MAX_RESTARTS = 10;

  private final ManifestStore manifests;
  private final WalReader wal;
  private final Clock clock;
  private volatile ReaderView view;
  private volatile Instant lastRefreshAt;
  private boolean stopped; // guarded by this
  private long chainTail; // guarded by this: the last WAL object the chain applied (or its anchor)
  // Written under this lock, volatile so stats() need not wait for a running refresh.
  private volatile long nextWalId; // the first id the last replay found absent

  public final LongAdder refreshes = new LongAdder();
  public final LongAdder manifestSwitches = new LongAdder();
  public final LongAdder walObjectsApplied = new LongAdder();
  final LongAdder walBatchesApplied = new LongAdder();

  private final CorruptionReporter corruption;

  public ReaderCatchUp(
      ManifestStore manifests,
      WalReader wal,
      Manifest latest,
      Clock clock,
      CorruptionReporter corruption) {
    this.corruption = corruption;
    this.manifests = manifests;
    this.wal = wal;
    this.clock = clock;
    long anchor = latest.state().flushedWalId();
    this.chainTail = anchor;
    this.nextWalId = anchor + 1;
    this.view = ReaderView.of(latest, new Memtable(), latest.state().lastFlushedSeq());
  }

  public ReaderView view() {
    return view;
  }

  public Instant lastRefreshAt() {
    return lastRefreshAt;
  }

  public long nextWalId() {
    return nextWalId;
  }

  /** Catches up with the latest durable state; returns the view it published. */
  public synchronized ReaderView refresh() {
    if (stopped) {
      throw new DbClosedException("reader");
    }
    for (int restart = 0; ; restart++) {
      try {
        tailWal();
      } catch (ReplayAnchorMissingException e) {
        // The tail object missing means GC moved past it: a newer manifest has a higher anchor.
        // That is no damage, so it is not reported as corruption unless no newer anchor exists.
        Manifest newer = latestManifest();
        if (newer.id() <= view.manifestId() || newer.state().flushedWalId() <= chainTail) {
          throw corruption.reported(
              new CorruptObjectException(
                  e.key(), -1, "the WAL object the reader replays from is missing"));
        }
        switchOrGiveUp(newer, restart, e);
        continue;
      }
      // The WAL after the chain tail may have looked absent (or ended early) only because a
      // collector deleted it after this view's manifest was read. A collector deletes WAL objects
      // only below an anchor published in a newer manifest, before it deletes them, so this probe
      // (after the WAL reads) sees that manifest: switch to its tables and read the WAL again.
      // Otherwise the absence was real: nothing newer exists. (Chaos seed 777023: a reader that
      // stalled between its manifest read and its WAL probe missed acknowledged writes.)
      Manifest latest = latestManifest();
      if (latest.id() > view.manifestId()) {
        switchOrGiveUp(latest, restart, null);
        continue;
      }
      refreshes.increment();
      lastRefreshAt = clock.instant();
      return view;
    }
  }

  /** Switches to {@code next}, unless this refresh has chased new versions too often already. */
  private void switchOrGiveUp(Manifest next, int restart, RuntimeException cause) {
    if (restart >= MAX_RESTARTS) {
      throw new DbException(
          "the reader could not catch up: the manifest changed "
              + MAX_RESTARTS
              + " times during one refresh",
          cause);
    }
    switchTo(next);
  }

  /** Waits for a running refresh and makes every later one fail. */
  public synchronized void stop() {
    stopped = true;
  }

  private Manifest latestManifest() {
    return manifests
        .readLatest()
        .orElseThrow(
            () ->
                corruption.reported(
                    new CorruptObjectException(
                        manifests.dbPath(),
                        -1,
                        "the manifest vanished; manifest keys are never deleted")));
  }

  /**
   * Publishes {@code next}'s tables with the memtable cut down to the versions above its {@code
   * lastFlushedSeq} (the older ones are in its tables), and moves the WAL position to its anchor if
   * that is beyond the chain tail: everything up to the anchor is in the tables.
   */
  private void switchTo(Manifest next) {
    ReaderView current = view;
    long flushed = next.state().lastFlushedSeq();
    Memtable kept = retainAbove(current.memtable(), flushed);
    long anchor = next.state().flushedWalId();
    if (anchor > chainTail) {
      chainTail = anchor;
      nextWalId = anchor + 1;
    }
    view = ReaderView.of(next, kept, Math.max(current.seq(), flushed));
    manifestSwitches.increment();
  }

  private static Memtable retainAbove(Memtable memtable, long flushedSeq) {
    Memtable kept = new Memtable();
    if (memtable.maxSeq() <= flushedSeq) {
      return kept;
    }
    try (EntryIterator it = memtable.iterator(Long.MAX_VALUE)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        if (it.seq() > flushedSeq) {
          kept.add(it.key(), it.seq(), it.kind(), it.value(), it.expireAtMillis());
        }
      }
    }
    // Range tombstones too (chaos seed 3497096639: a reader showed range-deleted keys again once
    // the manifest it switched to did not hold the tombstone yet).
    for (RangeTombstone t : memtable.rangeTombstones().toTombstones()) {
      if (t.seq() > flushedSeq) {
        kept.addRangeTombstone(t.start(), t.end(), t.seq());
      }
    }
    return kept;
  }

  /** Applies the WAL objects after the chain tail, if the next id exists. */
  private void tailWal() {
    if (wal.readHeader(nextWalId).isEmpty()) {
      return; // the usual case: one ranged GET
    }
    // Collect first: a failure halfway must leave the memtable as it was, so a retry re-applies.
    List<ReplayedBatch> batches = new ArrayList<>();
    WalReplay replay = wal.replay(chainTail, batches::add);
    ReaderView current = view;
    Memtable memtable = current.memtable();
    // Everything at or below the view's sequence number is visible already: in the tables (up to
    // lastFlushedSeq) or replayed earlier (sequence numbers grow along the chain).
    long visible = current.seq();
    long seq = visible;
    for (ReplayedBatch replayed : batches) {
      seq = Math.max(seq, WalApply.apply(replayed.batch(), visible, memtable));
    }
    chainTail = replay.chainTailId();
    nextWalId = replay.firstAbsentId();
    walObjectsApplied.add(replay.appliedObjects());
    walBatchesApplied.add(replay.appliedBatches());
    view = ReaderView.of(current.manifest(), memtable, seq);
  }
}
