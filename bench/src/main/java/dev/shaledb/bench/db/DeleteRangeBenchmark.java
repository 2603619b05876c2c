package dev.shaledb.bench.db;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reads after range deletes, ShaleDB against RocksDB in one run: keys 0..num-1 (16-byte keys,
 * 100-byte values) filled in order and settled, then reopened and {@code deleted} of the key space
 * removed with 100 range deletes of equal width spread evenly over it, then reopened again so the
 * tombstones sit in a level-0 table above the data (neither engine has compacted them away). Block
 * cache warm. {@code deleted=0} is the same database without the range deletes, for the cost.
 *
 * <ul>
 *   <li>{@code readrandom}: a point read of a uniformly random key of 0..num-1 (1 % of them gone).
 *   <li>{@code readseq}: the next entry of a full forward scan (restarted at the end).
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class DeleteRangeBenchmark {
  /** The database shared by all benchmark threads. */
  @State(Scope.Benchmark)
  public static class Loaded {
    @Param({"shaledb", "rocksdb"})
    public String engine;

    @Param({"1000000"})
    public long num;

    @Param({"0", "0.01"})
    public double deleted;

    LoadedDb loaded;

    @Setup(Level.Trial)
    public void load() {
      loaded =
          LoadedDb.load(
              engine,
              "16/100",
              num,
              true,
              db -> {
                long stride = num / 100;
                long width = (long) (num * deleted / 100);
                for (long r = 0; r < 100 && width > 0; r++) {
                  db.deleteRange(
                      BenchData.setKey(BenchData.newKey(16), r * stride),
                      BenchData.setKey(BenchData.newKey(16), r * stride + width));
                }
              });
    }

    @TearDown(Level.Trial)
    public void close() {
      loaded.close();
    }
  }

  @Benchmark
  public byte[] readrandom(Loaded state, ReaderState reader) {
    return state.loaded.db.get(reader.randomKey(state.loaded));
  }

  @Benchmark
  public byte[] readseq(Loaded state, ReaderState reader) {
    return reader.nextOfScan(state.loaded);
  }
}
