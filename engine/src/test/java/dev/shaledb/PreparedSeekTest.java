package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.testing.stores.CountingObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A scan's first step seeks every source of its merge; the tables among them start their block
 * reads together ({@code EntryIterator.prepareSeek}), so a cold scan over N tables waits one GET
 * latency for its seeks, not N.
 */
class PreparedSeekTest {
  private static final int TABLES = 4;

  private static Db tables(CountingObjectStore store) {
    Db db =
        Db.open(
            store,
            "db",
            DbOptions.builder()
                .blockCacheBytes(0)
                .compaction(CompactionOptions.disabled())
                .tableOptions(SstOptions.defaults().withBlockSize(256))
                .build());
    for (int t = 0; t < TABLES; t++) {
      for (int i = t; i < 200; i += TABLES) {
        db.put(b(String.format("key%03d", i)), b("v" + i), WriteOptions.noWait());
      }
      db.engine().flushMemtables();
    }
    assertThat(db.stats().l0Tables()).isEqualTo(TABLES);
    // A key inside every table's range that none holds: every table is opened (a tail read), so
    // what follows reads cold data blocks only.
    assertThat(db.get(b("key1000"))).isNull();
    return db;
  }

  @Test
  void theSeeksOfAColdScanOverSeveralTablesAreAllInFlightAtOnce() throws Exception {
    GateStore gate = new GateStore(new InMemoryObjectStore());
    CountingObjectStore counting = new CountingObjectStore(gate);
    try (Db db = tables(counting)) {
      for (ReadOptions options :
          List.of(ReadOptions.defaults(), ReadOptions.defaults().withReadAheadBytes(0))) {
        counting.reset();
        gate.holdUntil(TABLES);
        List<String> firstKeys =
            CompletableFuture.supplyAsync(
                    () -> {
                      List<String> keys = new ArrayList<>();
                      try (DbIterator it = db.scan(b("key100"), null, options)) {
                        for (int i = 0; i < 3 && it.hasNext(); i++) {
                          keys.add(
                              new String(it.next().key(), java.nio.charset.StandardCharsets.UTF_8));
                        }
                      }
                      return keys;
                    })
                .get(30, TimeUnit.SECONDS);
        assertThat(firstKeys).containsExactly("key100", "key101", "key102");
        assertThat(gate.timedOut)
            .as("every table's seek read issued before any was awaited")
            .isFalse();
        assertThat(gate.maxHeld.get()).isEqualTo(TABLES);
        // Each table's seek block once (before, an L0 table was positioned when the scan was built
        // and then read its block again for the merge's seek), plus the reads of the few tables
        // whose next entries lie in their next block.
        assertThat(counting.count(CountingObjectStore.Op.GET))
            .as("GETs of three keys from four tables")
            .isLessThan(2L * TABLES);
        gate.maxHeld.set(0);
      }
    }
  }
}
