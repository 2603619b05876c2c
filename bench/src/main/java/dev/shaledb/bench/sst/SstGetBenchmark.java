package dev.shaledb.bench.sst;

import dev.shaledb.sst.BlockCache;
import dev.shaledb.sst.RangeReader;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstIterator;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.sst.SstReader;
import dev.shaledb.sst.SstReaderOptions;
import dev.shaledb.table.CaffeineBlockCache;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Point lookups of random keys in an open 64 MiB table (default options: 4 KiB blocks, bloom filter
 * at 10 bits per key). {@code cache=caffeine} serves decoded blocks from a warm Caffeine cache (the
 * engine's setup); {@code cache=none} fetches, verifies and decodes a block per lookup from memory.
 * {@code getMiss} looks up absent keys inside the key range, which the filter answers (about 0.8 %
 * false positives still read a block).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class SstGetBenchmark {
  private static final int KEYS = 1 << 16;

  @Param({"caffeine", "none"})
  public String cache;

  /**
   * Which keys are looked up: {@code all} draws from the whole table, so every lookup misses the
   * CPU caches (memory-latency bound); {@code hot} draws from 1,000 keys that stay in the CPU
   * caches (the CPU cost of a lookup).
   */
  @Param({"all", "hot"})
  public String keys;

  /** The table's restart interval (16 is the default); smaller means shorter scans per seek. */
  @Param({"16"})
  public int restartInterval;

  private SstReader reader;
  private final byte[][] hits = new byte[KEYS][];
  private final byte[][] misses = new byte[KEYS][];
  private int next;

  @Setup
  public void setUp() {
    byte[] table =
        SstBenchData.toArray(
            SstBenchData.buildTable(SstOptions.defaults().withRestartInterval(restartInterval)));
    BlockCache blocks =
        cache.equals("caffeine") ? new CaffeineBlockCache(512L << 20) : BlockCache.none();
    reader =
        SstReader.open(
            "bench/table.sst",
            RangeReader.of(table),
            SstReaderOptions.defaults().withBlockCache(blocks));
    SplittableRandom random = new SplittableRandom(7);
    int range = keys.equals("hot") ? 1000 : SstBenchData.ENTRIES - 1;
    int base = keys.equals("hot") ? SstBenchData.ENTRIES / 2 : 0;
    for (int i = 0; i < KEYS; i++) {
      hits[i] = SstBenchData.key(base + random.nextInt(range), false);
      misses[i] = SstBenchData.key(base + random.nextInt(range), true);
    }
    SstIterator warm = reader.iterator(Long.MAX_VALUE);
    for (warm.seekToFirst(); warm.isValid(); warm.next()) {
      // loads every block into the cache
    }
  }

  @Benchmark
  public Optional<SstEntry> getHit() {
    return reader.get(hits[next++ & (KEYS - 1)], Long.MAX_VALUE);
  }

  @Benchmark
  public Optional<SstEntry> getMiss() {
    return reader.get(misses[next++ & (KEYS - 1)], Long.MAX_VALUE);
  }
}
