package dev.shaledb.bench.db;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * db_bench's readwhilewriting: one thread reads random existing keys while one thread overwrites
 * random keys as fast as it can (not awaiting durability), on a database first loaded with keys
 * 0..num-1 into tables and a warm block cache. The readers' score is the one db_bench reports; the
 * writer's shows what it cost. Two threads because the reference machine has two cores.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Group)
public class ReadWhileWritingBenchmark {
  private static final AtomicInteger THREADS = new AtomicInteger();

  @Param({"shaledb", "rocksdb"})
  public String engine;

  @Param({"16/100", "20/400"})
  public String kv;

  @Param({"500000"})
  public long num;

  private LoadedDb loaded;
  private byte[][] values;

  @Setup(Level.Trial)
  public void load() {
    loaded = LoadedDb.load(engine, kv, num, true);
    values = BenchData.values(BenchData.sizes(kv)[1], 3);
  }

  @TearDown(Level.Trial)
  public void close() {
    loaded.close();
  }

  /** Per-thread random keys. */
  @State(Scope.Thread)
  public static class Keys {
    private final SplittableRandom random = new SplittableRandom(2000 + THREADS.getAndIncrement());
    private byte[] key;
    private long count;

    byte[] next(int keySize, long num) {
      if (key == null) {
        key = BenchData.newKey(keySize);
      }
      count++;
      return BenchData.setKey(key, random.nextLong(num));
    }
  }

  @Benchmark
  @Group("readwhilewriting")
  @GroupThreads(1)
  public byte[] read(Keys keys) {
    return loaded.db.get(keys.next(loaded.keySize, num));
  }

  @Benchmark
  @Group("readwhilewriting")
  @GroupThreads(1)
  public void write(Keys keys) {
    loaded.db.put(keys.next(loaded.keySize, num), BenchData.value(values, keys.count));
  }
}
