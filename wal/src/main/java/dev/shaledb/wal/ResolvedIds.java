package dev.shaledb.wal;

import java.util.TreeSet;

/**
 * The writer's watermark over the ids it targeted: every id below {@link #below()} is resolved,
 * i.e. holds an object the writer has seen (its own, or a fenced writer's late one). Not
 * thread-safe; guarded by the writer's lock.
 */
final class ResolvedIds {
  private final TreeSet<Long> ahead = new TreeSet<>();
  private long below;

  ResolvedIds(long firstUnresolved) {
    this.below = firstUnresolved;
  }

  /** The lowest id not yet resolved; every id below it exists. */
  long below() {
    return below;
  }

  void resolve(long id) {
    ahead.add(id);
    while (ahead.remove(below)) {
      below++;
    }
  }
}
