package dev.shaledb.manifest;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Which manifest fields each role may change; see {@link FenceableManifest}. */
final class Ownership {
  private Ownership() {}

  static void check(Role role, ManifestState base, ManifestState next) {
    if (next.writerEpoch() != base.writerEpoch()
        || next.compactorEpoch() != base.compactorEpoch()) {
      throw new IllegalArgumentException("a change must not modify the epochs");
    }
    if (!next.condemnedThrough().equals(base.condemnedThrough())) {
      // Only garbage collection, publishing without a role, moves the table floor.
      throw new IllegalArgumentException("a change must not move the table floor");
    }
    if (!next.clonePins().equals(base.clonePins())) {
      // Only a clone's garbage collector, publishing without a role, releases its pins.
      throw new IllegalArgumentException("a change must not modify the clone pins");
    }
    if (role == Role.WRITER) {
      checkWriter(base, next);
    } else {
      checkCompactor(base, next);
    }
  }

  private static void checkWriter(ManifestState base, ManifestState next) {
    if (!next.sortedRuns().equals(base.sortedRuns())) {
      throw new IllegalArgumentException("the writer must not change the sorted runs");
    }
    if (!ids(next.l0()).containsAll(ids(base.l0()))) {
      throw new IllegalArgumentException("the writer must not remove L0 tables");
    }
    if (next.flushedWalId() < base.flushedWalId()) {
      throw new IllegalArgumentException(
          "flushedWalId moves back from " + base.flushedWalId() + " to " + next.flushedWalId());
    }
    if (next.lastFlushedSeq() < base.lastFlushedSeq()) {
      throw new IllegalArgumentException(
          "lastFlushedSeq moves back from "
              + base.lastFlushedSeq()
              + " to "
              + next.lastFlushedSeq());
    }
  }

  private static void checkCompactor(ManifestState base, ManifestState next) {
    if (next.flushedWalId() != base.flushedWalId()
        || next.nextWalId() != base.nextWalId()
        || next.lastFlushedSeq() != base.lastFlushedSeq()) {
      throw new IllegalArgumentException("the compactor must not change the WAL fields");
    }
    if (!ids(base.l0()).containsAll(ids(next.l0()))) {
      throw new IllegalArgumentException("the compactor must not add L0 tables");
    }
  }

  private static Set<String> ids(List<TableInfo> tables) {
    Set<String> ids = new HashSet<>();
    for (TableInfo t : tables) {
      ids.add(t.id());
    }
    return ids;
  }
}
