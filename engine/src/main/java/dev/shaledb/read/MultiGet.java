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
 * number, exactly as {@link ReadPath#get} decides it. For each table source the filters of all keys
 * still unresolved are checked first (no I/O); the reads of the blocks they need, one per block
 * however many keys share it, are then issued together through the store's asynchronous API (at
 * most {@link #MAX_IN_FLIGHT} at a time, so one call cannot queue unbounded requests), and their
 * bytes are verified, decoded and cached on the caller's thread, never on the store's completion
 * threads. A source whose filters rule every remaining key out costs nothing.
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
  private final byte[][] values;
  // Indexes into keys not yet decided, in order; shrinks as sources decide them.
  private int[] pending;
  private int pendingCount;

  /** A key's lookup in one table, starting at one of its blocks. */
  private record Probe(int key, TableStore.OpenTable table, int block) {}

  /** A block of one open table; readers compare by identity. */
  private record BlockRef(SstReader reader, int block) {}

  MultiGet(ReadPath reads, TableStore tables, byte[][] keys, long seq) {
    this.reads = reads;
    this.tables = tables;
    this.keys = keys;
    this.seq = seq;
    this.values = new byte[keys.length][];
  }

  byte[][] run(DbView view) {
    pending = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      SstEntry found = view.active().get(keys[i], seq);
      for (int f = 0; found == null && f < view.frozen().size(); f++) {
        found = view.frozen().get(f).memtable().get(keys[i], seq);
      }
      if (found != null) {
        values[i] = found.kind() == EntryKind.PUT ? found.value().clone() : null;
      } else {
        pending[pendingCount++] = i;
      }
    }
    ManifestState m = view.manifest();
    for (TableInfo info : m.l0()) {
      if (pendingCount == 0) {
        return values;
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
    return values;
  }

  /** Adds key {@code i}'s lookup in {@code t} unless the table's filter rules it out. */
  private void probe(List<Probe> probes, int i, TableStore.OpenTable t) {
    int block = tables.blockFor(t, keys[i]);
    if (block >= 0) {
      probes.add(new Probe(i, t, block));
    }
  }

  /** Reads the blocks {@code probes} need, overlapped, and decides the keys found in them. */
  private void resolve(List<Probe> probes) {
    if (probes.isEmpty()) {
      return;
    }
    Map<BlockRef, List<Probe>> byBlock = new LinkedHashMap<>();
    for (Probe p : probes) {
      byBlock
          .computeIfAbsent(new BlockRef(p.table().reader(), p.block()), b -> new ArrayList<>())
          .add(p);
    }
    List<List<Probe>> groups = new ArrayList<>(byBlock.values());
    List<CompletableFuture<byte[]>> inFlight = new ArrayList<>(groups.size());
    boolean[] decided = new boolean[keys.length];
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
          if (e.isPresent()) {
            values[p.key()] = e.get().kind() == EntryKind.PUT ? e.get().value() : null;
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
