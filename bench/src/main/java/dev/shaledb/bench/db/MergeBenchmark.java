package dev.shaledb.bench.db;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

/**
 * A merge counter workload, ShaleDB against RocksDB's {@code UInt64AddOperator} in one run: {@code
 * counters} 8-byte little-endian counters, each incremented 10 times by merges before the timing
 * (untimed, spread over the memtable and tables: half of the rounds, then a reopen, then the rest),
 * then {@code increment} (a merge of +1 into a random counter, no sync) and {@code read} (a point
 * read of a random counter, folding its operands). One thread, block cache warm.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class MergeBenchmark {
  @Param({"shaledb", "rocksdb"})
  public String engine;

  @Param({"100000"})
  public int counters;

  private Path dir;
  private KvEngine db;
  private byte[][] keys;
  private final SplittableRandom random = new SplittableRandom(42);
  private static final byte[] ONE =
      ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1).array();

  @Setup(Level.Trial)
  public void open() {
    keys = new byte[counters][];
    for (int i = 0; i < counters; i++) {
      keys[i] =
          String.format("counter-%08d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
    dir = BenchData.tempDir("shaledb-merge-");
    try (KvEngine writer = KvEngine.open(engine, dir, true)) {
      increments(writer, 5);
      writer.flush();
    }
    db = KvEngine.open(engine, dir, true);
    increments(db, 5);
    long sum = 0;
    for (int i = 0; i < counters; i += 997) {
      sum += ByteBuffer.wrap(db.get(key(i))).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
    if (sum != 10L * ((counters + 996) / 997)) {
      throw new IllegalStateException(engine + " counted " + sum);
    }
  }

  private void increments(KvEngine kv, int rounds) {
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < counters; i++) {
        kv.merge(key(i), ONE);
      }
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    try {
      db.close();
    } finally {
      BenchData.deleteTree(dir);
    }
  }

  private byte[] key(int i) {
    return keys[i];
  }

  @Benchmark
  public void increment() {
    db.merge(key(random.nextInt(counters)), ONE);
  }

  @Benchmark
  public byte[] read() {
    return db.get(key(random.nextInt(counters)));
  }
}
