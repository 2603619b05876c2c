package dev.shaledb.bench.engine;

import dev.shaledb.bench.db.BenchData;
import dev.shaledb.sst.BlockCache;
import dev.shaledb.sst.DecodedBlock;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.RangeReader;
import dev.shaledb.sst.SstBuilder;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstIterator;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.sst.SstReader;
import dev.shaledb.sst.SstReaderOptions;
import dev.shaledb.table.CaffeineBlockCache;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
 * A hit in the engine's block cache ({@link CaffeineBlockCache}): the lookup every cached read pays
 * per block, apart from searching the block. The cache holds every block of a table of {@code
 * entries} 16/100 entries (about 4,400 blocks of 4 KiB at the default 150,000); lookups pick a
 * block at random, so the cache's own structures are not all in CPU caches.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class BlockCacheBenchmark {
  private static final int LOOKUPS = 1 << 16;
  private static final Supplier<DecodedBlock> NO_LOAD =
      () -> {
        throw new IllegalStateException("a hit must not load");
      };

  @Param({"150000"})
  public int entries;

  private CaffeineBlockCache cache;
  private final List<Long> offsets = new ArrayList<>();
  private long[] lookups;
  private int next;

  @Setup
  public void setUp() {
    byte[] table = buildTable();
    cache = new CaffeineBlockCache(512L << 20);
    BlockCache recording =
        (objectKey, blockOffset, loader) -> {
          offsets.add(blockOffset);
          return cache.get(objectKey, blockOffset, loader);
        };
    SstReader reader =
        SstReader.open(
            "bench/cache.sst",
            RangeReader.of(table),
            SstReaderOptions.defaults().withBlockCache(recording));
    SstIterator it = reader.iterator(Long.MAX_VALUE);
    for (it.seekToFirst(); it.isValid(); it.next()) {
      // loads every block once, through the recording cache
    }
    SplittableRandom random = new SplittableRandom(5);
    lookups = new long[LOOKUPS];
    for (int i = 0; i < LOOKUPS; i++) {
      lookups[i] = offsets.get(random.nextInt(offsets.size()));
    }
  }

  private byte[] buildTable() {
    byte[] key = BenchData.newKey(16);
    byte[][] values = BenchData.values(100, 6);
    try (SstBuilder builder = SstBuilder.inMemory(SstOptions.defaults(), "table-1")) {
      for (int i = 0; i < entries; i++) {
        builder.add(
            BenchData.setKey(key, i),
            1,
            EntryKind.PUT,
            BenchData.value(values, i),
            SstEntry.NO_EXPIRY);
      }
      builder.finish();
      ByteBuffer bytes = builder.bytes();
      byte[] array = new byte[bytes.remaining()];
      bytes.duplicate().get(array);
      return array;
    }
  }

  @Benchmark
  public DecodedBlock hit() {
    return cache.get("bench/cache.sst", lookups[next++ & (LOOKUPS - 1)], NO_LOAD);
  }
}
