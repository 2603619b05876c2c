package dev.shaledb.bench.sst;

import dev.shaledb.sst.Compression;
import dev.shaledb.sst.SstOptions;
import java.nio.ByteBuffer;
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

/**
 * Builds a 64 MiB table (16-byte keys, 100-byte values) in memory with default options. Reported
 * per entry: MB/s = 116 bytes / (ns per entry) * 1000.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class SstBuildBenchmark {

  @Param({"NONE", "LZ4", "ZSTD"})
  public String codec;

  private SstOptions options;

  @Setup
  public void setUp() {
    Compression compression =
        switch (codec) {
          case "LZ4" -> Compression.lz4();
          case "ZSTD" -> Compression.zstd(1);
          default -> Compression.none();
        };
    options = SstOptions.defaults().withCompression(compression);
  }

  @Benchmark
  @OperationsPerInvocation(SstBenchData.ENTRIES)
  public ByteBuffer build() {
    return SstBenchData.buildTable(options);
  }
}
