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
 * db_bench's read workloads on a database holding keys 0..num-1 in tables (filled in order, closed,
 * reopened; untimed). Scores are operations per second.
 *
 * <ul>
 *   <li>{@code readrandom}: a point read of a uniformly random existing key.
 *   <li>{@code seekrandom}: positions an iterator at a random key and reads that one entry.
 *   <li>{@code readseq}: the next entry of a full forward scan (restarted at the end).
 * </ul>
 *
 * {@code cache=warm}: a 256 MiB block cache warmed by one full scan, so reads are CPU-bound; {@code
 * cache=none}: no block cache, so every data block read goes to the file (RocksDB: the OS page
 * cache through pread; ShaleDB: a ranged GET on the local-directory object store).
 *
 * <p>Sizes: {@code num=500000} is 58 MB at 16/100 and 210 MB at 20/400; the fill takes seconds.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ReadBenchmark {

  /** The database shared by all benchmark threads. */
  @State(Scope.Benchmark)
  public static class Loaded {
    @Param({"shaledb", "rocksdb"})
    public String engine;

    @Param({"16/100", "20/400"})
    public String kv;

    @Param({"500000"})
    public long num;

    @Param({"warm", "none"})
    public String cache;

    LoadedDb loaded;

    @Setup(Level.Trial)
    public void load() {
      loaded = LoadedDb.load(engine, kv, num, cache.equals("warm"));
    }

    @TearDown(Level.Trial)
    public void close() {
      loaded.close();
    }
  }

  @Benchmark
  public byte[] readrandom(Loaded state, ReaderState reader) {
    byte[] value = state.loaded.db.get(reader.randomKey(state.loaded));
    if (value == null) {
      throw new IllegalStateException("a key written by the fill is missing");
    }
    return value;
  }

  @Benchmark
  public byte[] seekrandom(Loaded state, ReaderState reader) {
    try (KvEngine.Cursor cursor = state.loaded.db.scan(reader.randomKey(state.loaded))) {
      return cursor.next() ? cursor.value() : null;
    }
  }

  @Benchmark
  public byte[] readseq(Loaded state, ReaderState reader) {
    return reader.nextOfScan(state.loaded);
  }
}
