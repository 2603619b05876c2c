package dev.shaledb.bench.sst;

import dev.shaledb.sst.BlockCache;
import dev.shaledb.sst.Compression;
import dev.shaledb.sst.RangeReader;
import dev.shaledb.sst.SstIterator;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.sst.SstReader;
import dev.shaledb.sst.SstReaderOptions;
import dev.shaledb.table.CaffeineBlockCache;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A full scan of a 64 MiB table, copying every key and value out of the iterator as a caller would.
 * {@code cache=caffeine}: all decoded blocks are cached; {@code cache=none}: every block is fetched
 * from memory, checksummed, decompressed and validated during the scan. Reported per entry: MB/s =
 * 116 bytes / (ns per entry) * 1000.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class SstScanBenchmark {

  @Param({"NONE", "LZ4"})
  public String codec;

  @Param({"caffeine", "none"})
  public String cache;

  private SstReader reader;

  @Setup
  public void setUp() {
    Compression compression = codec.equals("LZ4") ? Compression.lz4() : Compression.none();
    byte[] table =
        SstBenchData.toArray(
            SstBenchData.buildTable(SstOptions.defaults().withCompression(compression)));
    BlockCache blocks =
        cache.equals("caffeine") ? new CaffeineBlockCache(512L << 20) : BlockCache.none();
    reader =
        SstReader.open(
            "bench/table.sst",
            RangeReader.of(table),
            SstReaderOptions.defaults().withBlockCache(blocks));
  }

  @Benchmark
  @OperationsPerInvocation(SstBenchData.ENTRIES)
  public long scan(Blackhole bh) {
    long n = 0;
    SstIterator it = reader.iterator(Long.MAX_VALUE);
    for (it.seekToFirst(); it.isValid(); it.next()) {
      bh.consume(it.key());
      bh.consume(it.value());
      n++;
    }
    return n;
  }
}
