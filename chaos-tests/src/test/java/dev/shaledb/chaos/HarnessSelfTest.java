package dev.shaledb.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The harness must fail when durability is broken underneath it: a store that acknowledges some WAL
 * puts without keeping them must show up in a must-be-zero row of the report.
 */
class HarnessSelfTest {
  static final java.util.logging.Logger ENGINE_LOG = ChaosSeedsTest.quiet();

  @Test
  void aStoreThatDropsAcknowledgedWalPutsIsCaught() {
    // Seed 10 runs the no-fault baseline plan, so only the lying store breaks promises.
    SeedRun run = new SeedRun(10, 1500, 20, LyingStore::new);
    assertThat(run.plan()).isEqualTo(FaultPlan.none());
    Tally tally = run.run();
    assertThat(tally.findings()).isNotEmpty();
    long broken = 0;
    for (Stat s : Stat.values()) {
      broken += s.mustBeZero() ? tally.get(s) : 0;
    }
    // The engine notices the hole in the WAL (its replay does not reach the fence) and refuses
    // to open, which the harness reports as a failed recovery; a quieter engine would lose writes.
    assertThat(broken).as("%s", tally.findings()).isPositive();
  }

  @Test
  void anHonestStorePasses() {
    Tally tally = new SeedRun(20, 1500, 20).run();
    assertThat(tally.findings()).isEmpty();
    assertThat(tally.get(Stat.WRITES_ACKED)).isPositive();
  }

  @Test
  void aBulkLoadSeedHoldsItsLoadersToTheirFlushesAndPasses() {
    // Seed 230 runs the no-fault baseline plan and bulk-load lifetimes (BulkLoadChaos): their
    // writes are promised only by flushes, and verified like every other promise.
    SeedRun run = new SeedRun(230, 1500, 20);
    assertThat(run.plan()).isEqualTo(FaultPlan.none());
    Tally tally = run.run();
    assertThat(tally.findings()).isEmpty();
    assertThat(tally.get(Stat.BULK_LOAD_PROCESSES)).isPositive();
    assertThat(tally.get(Stat.BULK_LOAD_FLUSHES)).isPositive();
    assertThat(tally.get(Stat.RECOVERIES_OK)).isPositive();
  }

  /** Acknowledges every 7th WAL put without storing it. */
  private static final class LyingStore extends ForwardingObjectStore {
    private final AtomicInteger walPuts = new AtomicInteger();

    LyingStore(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
      if (key.contains("/wal/") && walPuts.incrementAndGet() % 7 == 0) {
        return CompletableFuture.completedFuture(
            new ObjectMeta(key, data.remaining(), "lie", Instant.EPOCH));
      }
      return super.put(key, data, condition);
    }
  }
}
