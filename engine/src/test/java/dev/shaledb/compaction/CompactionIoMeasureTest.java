package dev.shaledb.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.CompactionOptions;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.SstBuilder;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.table.TableIds;
import dev.shaledb.table.TableKeys;
import dev.shaledb.table.TableStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The measurement behind docs/benchmarks.md, "Compaction I/O": one L0 compaction of 8 tables of 8
 * MiB (random keys, 200-byte random values) into a run, on {@link SimulatedS3} (15 ms GET, 25 ms
 * PUT, 100 MB/s per request). Run it with
 *
 * <pre>
 * mvn -o test -pl engine -am -Dtest=CompactionIoMeasureTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dcompaction.measure=true [-Dcompaction.targetMiB=32]
 * </pre>
 *
 * It prints wall time, GETs and PUTs per round, first without latency (the merge's CPU alone), then
 * on simulated S3, and checks that the run holds every input entry.
 */
@EnabledIfSystemProperty(named = "compaction.measure", matches = "true")
class CompactionIoMeasureTest {
  private static final int TABLES = 8;
  private static final long TABLE_BYTES = 8L << 20;
  private static final int VALUE_BYTES = 200;
  private static final int ROUNDS = Integer.getInteger("compaction.rounds", 5);

  @Test
  void compactEightL0TablesOfEightMiB() throws Exception {
    long targetBytes = Long.getLong("compaction.targetMiB", 32) << 20;
    InMemoryObjectStore base = new InMemoryObjectStore();
    List<TableInfo> inputs = writeInputs(base, new SplittableRandom(42));
    long entries = inputs.stream().mapToLong(t -> countEntries(base, t)).sum();
    CompactionOptions options = CompactionOptions.builder().targetTableBytes(targetBytes).build();
    ExecutorService parts = Executors.newFixedThreadPool(2 * options.subcompactions());
    // The same job without latency first: its time is the merge's CPU, which a compaction on S3
    // hides its I/O behind as far as the two overlap.
    try (SimulatedS3 cpuOnly = new SimulatedS3(base, 0, 0, 1e15);
        SimulatedS3 s3 = SimulatedS3.standard(base)) {
      for (SimulatedS3 store : List.of(cpuOnly, s3)) {
        List<Long> times = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
          TableStore tables = new TableStore(store, "db", null, CorruptionReporter.NONE);
          CompactionRunner runner =
              new CompactionRunner(
                  tables,
                  new TableIds(Clock.systemUTC(), new SplittableRandom(round)),
                  SstOptions.defaults(),
                  options,
                  Clock.systemUTC(),
                  parts,
                  () -> false);
          store.resetCounts();
          long start = System.nanoTime();
          CompactionRunner.Output out =
              runner.run(new CompactionJob(inputs, List.of(), true), Long.MAX_VALUE);
          times.add((System.nanoTime() - start) / 1_000_000);
          System.out.printf(
              "compaction-io %s round %d: %d ms, %d GETs (at most %d at once), %d PUTs,"
                  + " %d outputs, %.1f MiB in, %.1f MiB out, target %d MiB%n",
              store == s3 ? "s3" : "cpu-only",
              round,
              times.get(round),
              store.gets.get(),
              store.maxGetsInFlight.get(),
              store.puts.get(),
              out.run().tables().size(),
              out.bytesRead() / 1048576.0,
              out.bytesWritten() / 1048576.0,
              targetBytes >> 20);
          long outEntries = out.run().tables().stream().mapToLong(t -> countEntries(base, t)).sum();
          assertThat(outEntries).as("every input entry is in the run").isEqualTo(entries);
          for (TableInfo t : out.run().tables()) { // rounds must not pile up memory
            Futures.join(base.delete(TableKeys.key("db", t.id())));
          }
        }
        times.sort(null);
        System.out.printf(
            "compaction-io %s: median %d ms, best %d ms over %d rounds%n",
            store == s3 ? "s3" : "cpu-only", times.get(ROUNDS / 2), times.get(0), ROUNDS);
      }
    } finally {
      parts.shutdownNow();
    }
  }

  /** Tables of distinct random keys, interleaved across the key space. */
  private static List<TableInfo> writeInputs(InMemoryObjectStore store, SplittableRandom random) {
    int perTable = (int) (TABLE_BYTES / (16 + VALUE_BYTES + 12));
    List<TableInfo> tables = new ArrayList<>();
    long seq = 1;
    for (int t = 0; t < TABLES; t++) {
      byte[][] keys = new byte[perTable][];
      for (int i = 0; i < perTable; i++) {
        // Table t's keys end in t: distinct across tables, spread over the whole space.
        keys[i] =
            String.format("%015d%d", random.nextLong(1_000_000_000_000_000L) / 10, t)
                .getBytes(StandardCharsets.UTF_8);
      }
      Arrays.sort(keys, Arrays::compareUnsigned);
      String id = String.format("%032x", t + 1);
      try (SstBuilder b = SstBuilder.inMemory(SstOptions.defaults(), id)) {
        byte[] previous = null;
        for (byte[] key : keys) {
          if (previous != null && Arrays.equals(previous, key)) {
            continue;
          }
          byte[] value = new byte[VALUE_BYTES];
          random.nextBytes(value);
          b.add(key, seq++, EntryKind.PUT, value, SstEntry.NO_EXPIRY);
          previous = key;
        }
        TableInfo info = TableStore.describe(id, b.finish());
        Futures.join(store.put(TableKeys.key("db", id), b.bytes(), PutCondition.none()));
        tables.add(0, info); // L0 lists the newest first
      }
    }
    return tables;
  }

  private static long countEntries(InMemoryObjectStore store, TableInfo table) {
    TableStore plain = new TableStore(store, "db", null, CorruptionReporter.NONE);
    long n = 0;
    for (var it = plain.reader(table).scan(null, null, Long.MAX_VALUE); it.isValid(); it.next()) {
      n++;
    }
    return n;
  }
}
