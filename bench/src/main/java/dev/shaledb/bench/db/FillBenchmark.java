package dev.shaledb.bench.db;

import java.nio.file.Path;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * db_bench's write workloads, one thread, writes not awaiting durability (ShaleDB {@code
 * awaitDurable=false}, RocksDB WAL on and {@code sync=false}). Each invocation writes {@code num}
 * keys into a fresh database in a temporary directory and then makes them durable ({@link
 * KvEngine#flush()}), so the score is the time of one whole fill: divide {@code num} by it for
 * writes per second. Memtable flushes that are still running when the fill returns are not timed
 * (they are in the teardown's close), as in db_bench.
 *
 * <ul>
 *   <li>{@code fillseq}: keys 0..num-1 in order.
 *   <li>{@code fillrandom}: {@code num} keys drawn uniformly with replacement from [0, num).
 *   <li>{@code overwrite}: as fillrandom, into a database already holding keys 0..num-1 (filled
 *       untimed in the setup).
 * </ul>
 *
 * Sizes: {@code num=500000} writes 58 MB of keys and values at 16/100 and 210 MB at 20/400, about a
 * memtable (64 MiB in both engines) or three. One trial is 4 fills; the whole class with the
 * default parameters takes a few minutes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class FillBenchmark {
  @Param({"shaledb", "rocksdb"})
  public String engine;

  /** Key and value sizes in bytes: db_bench's defaults (16/100) and its published runs (20/400). */
  @Param({"16/100", "20/400"})
  public String kv;

  /** Writes per fill. */
  @Param({"500000"})
  public long num;

  private Path dir;
  private KvEngine db;
  private byte[] key;
  private byte[][] values;
  private long[] randomKeys;

  @Setup(Level.Trial)
  public void prepare() {
    int[] sizes = BenchData.sizes(kv);
    key = BenchData.newKey(sizes[0]);
    values = BenchData.values(sizes[1], 1);
    SplittableRandom random = new SplittableRandom(301);
    randomKeys = new long[Math.toIntExact(num)];
    for (int i = 0; i < randomKeys.length; i++) {
      randomKeys[i] = random.nextLong(num);
    }
  }

  @Setup(Level.Invocation)
  public void open(BenchmarkParams params) {
    dir = BenchData.tempDir("shaledb-fill-");
    db = KvEngine.open(engine, dir, true);
    if (params.getBenchmark().endsWith("overwrite")) {
      BenchData.fillSeq(db, num, key.length, values);
    }
  }

  @TearDown(Level.Invocation)
  public void close() {
    try {
      db.close();
    } finally {
      BenchData.deleteTree(dir);
    }
  }

  @Benchmark
  public void fillseq() {
    for (long i = 0; i < num; i++) {
      db.put(BenchData.setKey(key, i), BenchData.value(values, i));
    }
    db.flush();
  }

  @Benchmark
  public void fillrandom() {
    writeRandom();
  }

  @Benchmark
  public void overwrite() {
    writeRandom();
  }

  private void writeRandom() {
    for (int i = 0; i < randomKeys.length; i++) {
      db.put(BenchData.setKey(key, randomKeys[i]), BenchData.value(values, i));
    }
    db.flush();
  }
}
