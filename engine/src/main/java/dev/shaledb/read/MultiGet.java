package dev.shaledb.read;

import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstReader;
import dev.shaledb.table.TableStore;
import dev.shaledb.view.DbView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One multi-key read: the keys of one call, read at one sequence number from one {@link DbView}, so
 * that N keys not in memory cost about one GET latency per source that holds some of them, not N.
 *
 * <p>Sources are walked in {@link ReadPath}'s order (memtables, L0 tables newest first, sorted
 * runs), and a key leaves the walk at the first source with a version at or below the sequence
 * number, exactly as {@link ReadPath#get} decides it; a key whose first version found is a merge
 * operand is read at the end with {@link ReadPath#fold}, on the same view. For each table source
 * the filters of all keys still unresolved are checked first (no I/O); the reads of the blocks they
 * need, one per block however many keys share it, are then issued together through the store's
 * asynchronous API (at most {@link #MAX_IN_FLIGHT} at a time, so one call cannot queue unbounded
 * requests), and their bytes are verified, decoded and cached on the caller's thread, never on the
 * store's completion threads. A source whose filters rule every remaining key out costs nothing.
 *
 * <p>Failures are those of {@link ReadPath#get}: a table deleted under the view fails the whole
 * read with {@link dev.shaledb.error.SnapshotTooOldException} (the caller retries it on a newer
 * view), damaged bytes with a reported {@link dev.shaledb.error.CorruptObjectException}. Not
 * thread-safe; one instance per call.
 */
final class MultiGet {
  /** The most block reads of one call in flight at once. */
  static final int MAX_IN_FLIGHT = 64;

  private final ReadPath reads;
  private final TableStore tables;
  private final byte[][] keys;
  private final long seq;
  private final long now;
  private final byte[][] values;
  // Keys whose newest version is a merge operand, folded one by one after the walk.
  private final List<Integer> merges = new ArrayList<>();
  // Indexes into keys not yet decided, in order; shrinks as sources decide them.
  private int[] pending;
  private int pendingCount;

  /**
   * A key's lookup in one table, starting at one of its blocks ({@code block} -1: none, the filter
   * ruled the key out), and the sequence number of the table's range tombstone covering the key
   * (-1: none), which decides the key as a delete unless the lookup finds a newer version.
   */
  private record Probe(int key, TableStore.OpenTable table, int block, long deletedAt) {}

  /** A block of one open table; readers compare by identity. */
  private record BlockRef(SstReader reader, int block) {}

  MultiGet(ReadPath reads, TableStore tables, byte[][] keys, long seq, long now) {
    this.reads = reads;
    this.tables = tables;
    this.keys = keys;
    this.seq = seq;
    this.now = now;
    this.values = new byte[keys.length][];
  }

  byte[][] run(DbView view) {
    pending = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      SstEntry found = ReadPath.newestInMemory(view, keys[i], seq);
      if (found != null) {
        decide(i, found, true);
      } else {
        pending[pendingCount++] = i;
      }
    }
    walkTables(view.manifest());
    for (int i : merges) {
      values[i] = reads.fold(view, keys[i], seq, now);
    }
    return values;
  }

  /** Decides key {@code i} by its newest version {@code e}, or leaves a merge operand for later. */
  private void decide(int i, SstEntry e, boolean copy) {
    if (e.kind() == EntryKind.MERGE) {
      merges.add(i);
    } else {
      values[i] = ReadPath.valueOf(e, now, copy);
    }
  }

  private void walkTables(ManifestState m) {
    for (TableInfo info : m.l0()) {
      if (pendingCount == 0) {
        return;
      }
      TableStore.OpenTable t = tables.table(info);
      if (t.minSeq() > seq) {
        continue;
      }
      List<Probe> probes = new ArrayList<>();
      for (int p = 0; p < pendingCount; p++) {
        byte[] key = keys[pending[p]];
        if (t.contains(key)) {
          probe(probes, pending[p], t);
        }
      }
      resolve(probes);
    }
    for (int r = 0; r < m.sortedRuns().size() && pendingCount > 0; r++) {
      List<Probe> probes = new ArrayList<>();
      for (int p = 0; p < pendingCount; p++) {
        TableInfo info = reads.runTable(m, r, keys[pending[p]]);
        if (info != null && info.minSeq() <= seq) {
          probe(probes, pending[p], tables.table(info));
        }
      }
      resolve(probes);
    }
  }

  /**
   * Adds key {@code i}'s lookup in {@code t} unless the table's filter rules it out and no range
   * tombstone of the table covers it.
   */
  private void probe(List<Probe> probes, int i, TableStore.OpenTable t) {
    int block = tables.blockFor(t, keys[i]);
    long deletedAt = t.coveringSeq(keys[i], seq);
    if (block >= 0 || deletedAt >= 0) {
      probes.add(new Probe(i, t, block, deletedAt));
    }
  }

  /** Reads the blocks {@code probes} need, overlapped, and decides the keys found in them. */
  private void resolve(List<Probe> probes) {
    if (probes.isEmpty()) {
      return;
    }
    Map<BlockRef, List<Probe>> byBlock = new LinkedHashMap<>();
    boolean[] decided = new boolean[keys.length];
    for (Probe p : probes) {
      if (p.block() < 0) {
        // Covered by a range tombstone and ruled out by the filter: deleted, no read.
        values[p.key()] = null;
        decided[p.key()] = true;
        continue;
      }
      byBlock
          .computeIfAbsent(new BlockRef(p.table().reader(), p.block()), b -> new ArrayList<>())
          .add(p);
    }
    List<List<Probe>> groups = new ArrayList<>(byBlock.values());
    List<CompletableFuture<byte[]>> inFlight = new ArrayList<>(groups.size());
    int g = 0;
    try {
      for (; g < groups.size(); g++) {
        // A sliding window: block g's bytes are awaited only after the reads up to
        // g + MAX_IN_FLIGHT have been issued.
        while (inFlight.size() < groups.size() && inFlight.size() < g + MAX_IN_FLIGHT) {
          Probe first = groups.get(inFlight.size()).get(0);
          inFlight.add(tables.readBlockAsync(first.table(), first.block()));
        }
        byte[] stored = Futures.join(inFlight.get(g));
        inFlight.set(g, null); // the bytes are garbage once decoded
        for (Probe p : groups.get(g)) {
          Optional<SstEntry> e = tables.get(p.table(), keys[p.key()], seq, p.block(), stored);
          if (e.isPresent() && e.get().seq() >= p.deletedAt()) {
            decide(p.key(), e.get(), false);
            decided[p.key()] = true;
          } else if (p.deletedAt() >= 0) {
            values[p.key()] = null;
            decided[p.key()] = true;
          }
        }
      }
    } catch (RuntimeException e) {
      verifyTheRest(groups, inFlight, g);
      throw e;
    }
    int kept = 0;
    for (int p = 0; p < pendingCount; p++) {
      if (!decided[pending[p]]) {
        pending[kept++] = pending[p];
      }
    }
    pendingCount = kept;
  }

  /**
   * After block read {@code from} (or the decoding of its bytes) failed: waits for the window's
   * other reads and verifies what they brought (caching it, reporting damage) before the failure is
   * rethrown. Every block reply the store delivered is so checked, as a point read checks its own;
   * left unread, a damaged one would be neither reported nor used (chaos seeds 20261272, 20261759,
   * 20261779, 20262561 counted four such replies). Their own failures are dropped: the first one is
   * the call's.
   */
  private void verifyTheRest(
      List<List<Probe>> groups, List<CompletableFuture<byte[]>> inFlight, int from) {
    for (int g = from; g < inFlight.size(); g++) {
      CompletableFuture<byte[]> read = inFlight.get(g);
      if (read == null) {
        continue;
      }
      Probe first = groups.get(g).get(0);
      try {
        tables.get(first.table(), keys[first.key()], seq, first.block(), Futures.join(read));
      } catch (RuntimeException ignored) {
        // Reported where it was detected; the call already fails with the first failure.
      }
    }
  }
}
