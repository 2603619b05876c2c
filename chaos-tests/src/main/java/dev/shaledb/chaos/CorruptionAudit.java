package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ObjectStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The corruption account of one run (a seed): every read a process's {@link
 * FaultInjectingObjectStore} damaged is matched to a detection its engine reported, or shown not to
 * have been looked at, or else counted as undetected (which fails the run).
 *
 * <p><b>Matching.</b> Per process, each detection takes one unmatched damaged read of the same
 * object key made before it: first among reads whose damage the engine must have decoded (then
 * those it may have, then those it never decodes), preferably the block read starting at the
 * detection's offset, else one whose changed bytes contain it, else one whose reply contains it,
 * else (the offset is -1, or names where a check looked, such as a footer or a length, not where
 * the bytes changed) the latest of that key. A detection that finds none is counted apart: the
 * engine's own consistency checks (a table's size against the manifest, a WAL chain) fail without
 * any damaged read.
 *
 * <p><b>Unmatched damaged reads.</b> Manifest versions and WAL objects and headers are decoded
 * whole and every byte is under a checksum, so their damage must be detected. A table is read in
 * three ways, and the {@link SstLayout} taken when the read was damaged tells which bytes each
 * decodes:
 *
 * <ul>
 *   <li>a suffix read opens the table and decodes only its tail; damage confined to the data blocks
 *       it happened to cover is <em>not inspected</em> (blocks are fetched again, by their own
 *       reads, when needed);
 *   <li>a ranged read starts at a data block, which is decoded at once; damage touching that block
 *       must be detected. Damage confined to the tail, which a compaction's chunked read fetches
 *       along but never decodes (the reader holds its index already), is <em>not inspected</em>;
 *   <li>damage past the first block of a compaction's chunk (a multi-block read) is
 *       <em>unresolved</em>: the merge decodes those blocks only if it gets to them, and a
 *       subcompaction stops at its split key, a failed or crashed job anywhere, which the harness
 *       cannot observe. Such damage was not returned as data unless a block's checksum failed to
 *       catch it, which the oracle's checks of every read would show.
 * </ul>
 *
 * <p>No damaged reply is lost to a crash: the store damages only replies that reach the caller, and
 * an engine thread that received one decodes it even if its process died meanwhile.
 */
public final class CorruptionAudit {
  /** How long {@link #classify} waits for a detection still on its way (a dying process). */
  private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ObjectStore truth;
  private final List<CorruptionLedger> ledgers = new ArrayList<>();

  /**
   * @param truth the store the processes share, read directly (no faults, metering or crash points)
   *     to learn table layouts
   */
  public CorruptionAudit(ObjectStore truth) {
    this.truth = requireNonNull(truth, "truth is null");
  }

  /** A ledger for a new process. */
  synchronized CorruptionLedger process(int id) {
    CorruptionLedger ledger = new CorruptionLedger(id, truth);
    ledgers.add(ledger);
    return ledger;
  }

  /**
   * Adds the account of every process to {@code tally}, each undetected corruption as a finding.
   * Call once no process of the run is alive; waits up to a second for late detections.
   */
  public void classify(Tally tally) {
    long deadline = System.nanoTime() + SETTLE_NANOS;
    Account account = account();
    while (!account.undetected.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      account = account();
    }
    account.counts.forEach(tally::add);
    account.undetected.forEach(tally::finding);
  }

  private static final class Account {
    final Map<Stat, Long> counts = new EnumMap<>(Stat.class);
    final List<String> undetected = new ArrayList<>();

    void count(Stat stat) {
      counts.merge(stat, 1L, Long::sum);
    }
  }

  private synchronized Account account() {
    Account account = new Account();
    for (CorruptionLedger ledger : ledgers) {
      settle(ledger, account);
    }
    return account;
  }

  private static void settle(CorruptionLedger ledger, Account account) {
    List<CorruptionLedger.Damage> damages = new ArrayList<>(ledger.damages());
    damages.sort(Comparator.comparingLong(d -> d.read().nanos()));
    List<CorruptionLedger.Detection> detections = new ArrayList<>(ledger.detections());
    detections.sort(Comparator.comparingLong(CorruptionLedger.Detection::nanos));
    boolean[] matched = new boolean[damages.size()];
    for (CorruptionLedger.Detection d : detections) {
      int i = match(damages, matched, d);
      if (i < 0) {
        account.count(Stat.DETECTIONS_UNMATCHED);
      } else {
        matched[i] = true;
        account.count(Stat.CORRUPTIONS_DETECTED);
      }
    }
    for (int i = 0; i < damages.size(); i++) {
      if (matched[i]) {
        continue;
      }
      DamagedRead read = damages.get(i).read();
      Stat verdict = judge(damages.get(i));
      account.count(verdict);
      if (verdict == Stat.CORRUPTIONS_UNDETECTED) {
        List<CorruptionLedger.Detection> sameKey =
            detections.stream().filter(x -> x.key().equals(read.key())).toList();
        account.undetected.add(
            "undetected corruption in process "
                + ledger.process()
                + ": "
                + read
                + "; detections of that key: "
                + sameKey);
      }
    }
  }

  /** The damaged read {@code d} matches best (see the class comment), or -1. */
  private static int match(
      List<CorruptionLedger.Damage> damages, boolean[] matched, CorruptionLedger.Detection d) {
    int best = -1;
    int bestRank = Integer.MAX_VALUE;
    for (int i = damages.size() - 1; i >= 0; i--) {
      DamagedRead r = damages.get(i).read();
      if (matched[i] || r.nanos() > d.nanos() || !r.key().equals(d.key())) {
        continue;
      }
      int rank = 4 * mustBeDetected(damages.get(i)) + where(r, d.offset());
      if (rank < bestRank) {
        best = i;
        bestRank = rank;
      }
    }
    return best;
  }

  /**
   * 0 for a read the engine must have decoded, 1 for one it may have, 2 for one it never decodes: a
   * read whose damaged bytes are never looked at cannot be what a detection found, so it must not
   * take the detection from one that was (a table's suffix read spans the block a later block read
   * fetched again, and both were damaged).
   */
  private static int mustBeDetected(CorruptionLedger.Damage damage) {
    Stat verdict = judge(damage);
    if (verdict == Stat.CORRUPTIONS_UNDETECTED) {
      return 0;
    }
    return verdict == Stat.CORRUPTIONS_UNRESOLVED_CHUNK
            || verdict == Stat.CORRUPTIONS_UNRESOLVED_NO_LAYOUT
        ? 1
        : 2;
  }

  /** How well {@code at} points at {@code r}: its own block read, its damage, its reply, else. */
  private static int where(DamagedRead r, long at) {
    if (r.range() instanceof ByteRange.Bounded b && b.offset() == at) {
      return 0;
    }
    return r.damages(at) ? 1 : r.covers(at) ? 2 : 3;
  }

  /** What an unmatched damaged read was: see the class comment. */
  static Stat judge(CorruptionLedger.Damage damage) {
    DamagedRead r = damage.read();
    if (!r.key().contains("/sst/")) {
      return Stat.CORRUPTIONS_UNDETECTED;
    }
    SstLayout layout = damage.layout();
    if (layout == null) {
      return Stat.CORRUPTIONS_UNRESOLVED_NO_LAYOUT;
    }
    if (r.range() instanceof ByteRange.Suffix) {
      return r.to() <= layout.dataEnd()
          ? Stat.CORRUPTIONS_SKIPPED_TAIL_READ_DATA
          : Stat.CORRUPTIONS_UNDETECTED;
    }
    if (r.range() instanceof ByteRange.Bounded bounded) {
      if (r.from() >= layout.dataEnd()) {
        return Stat.CORRUPTIONS_SKIPPED_PAST_DATA;
      }
      long firstBlockEnd = layout.blockEndAt(bounded.offset());
      if (firstBlockEnd < 0 || r.from() < firstBlockEnd) {
        return Stat.CORRUPTIONS_UNDETECTED;
      }
      return Stat.CORRUPTIONS_UNRESOLVED_CHUNK;
    }
    return Stat.CORRUPTIONS_UNDETECTED;
  }
}
