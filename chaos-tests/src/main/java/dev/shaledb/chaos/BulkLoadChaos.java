package dev.shaledb.chaos;

import dev.shaledb.DbOptions;
import java.util.SplittableRandom;

/**
 * Bulk-load lifetimes in a seed's history: one seed in eight opens a third of its own database's
 * crash cycles with {@link DbOptions#bulkLoad()}, so those processes write no WAL and their writes
 * become durable only when a flush of their memtables is published. The workload then writes
 * without waiting for durability only ({@link Workload#bulkLoad()}); the oracle needs no rule of
 * its own: a non-durable write is promised once a later {@code flush()} or checkpoint of its
 * process returned, or once a durable-only read showed it, exactly what bulk-load mode promises,
 * and anything else a crash may keep or lose. The crash points on table and manifest puts fire
 * inside those flushes; the ones on WAL puts and durable acknowledgements never fire there, and
 * such a process is killed at the end of its cycle.
 *
 * <p>Draws come from a generator of its own, seeded from the seed: the seed's other draws, and so
 * the histories of seeds without bulk loads, are unchanged.
 */
final class BulkLoadChaos {
  private final SplittableRandom random;

  private BulkLoadChaos(SplittableRandom random) {
    this.random = random;
  }

  /** The bulk loads of {@code seed}, or null if it runs none. */
  static BulkLoadChaos forSeed(long seed) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x6A09_E667_F3BC_C908L);
    return r.nextInt(8) == 0 ? new BulkLoadChaos(r) : null;
  }

  /** Whether the next crash cycle of the seed's own database is a bulk-load lifetime. */
  boolean nextLifetime() {
    return random.nextInt(3) == 0;
  }

  /** {@code options} in bulk-load mode. */
  static DbOptions options(DbOptions options) {
    return options.toBuilder().bulkLoad(true).build();
  }
}
