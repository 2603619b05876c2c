package dev.shaledb.bench.engine;

import dev.shaledb.bench.db.BenchData;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.view.Memtable;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Inserts into the engine's memtable (a concurrent skip list), the CPU floor of every write. A
 * memtable is replaced once it holds {@code entries} versions, as the engine freezes a full one, so
 * the cost includes the growth of the list up to that size (500,000 entries of 16/100 is about the
 * 64 MiB default memtable). Keys are random (the worst case for the list) or ascending. Run with
 * {@code -t 2} for two concurrent writers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class MemtableBenchmark {

  /** The memtable shared by the writer threads. */
  @State(Scope.Benchmark)
  public static class Table {
    @Param({"16/100", "20/400"})
    public String kv;

    @Param({"random", "sequential"})
    public String order;

    @Param({"500000"})
    public long entries;

    final AtomicLong seq = new AtomicLong();
    volatile Memtable memtable;
    int keySize;
    byte[][] values;

    @Setup(Level.Iteration)
    public void setUp() {
      int[] sizes = BenchData.sizes(kv);
      keySize = sizes[0];
      values = BenchData.values(sizes[1], 4);
      memtable = new Memtable();
    }

    Memtable current() {
      Memtable table = memtable;
      if (table.entryCount() >= entries) {
        synchronized (this) {
          if (memtable == table) {
            memtable = new Memtable();
          }
          table = memtable;
        }
      }
      return table;
    }
  }

  /** Per-thread key stream. */
  @State(Scope.Thread)
  public static class Keys {
    private static final AtomicLong THREADS = new AtomicLong();
    private final SplittableRandom random = new SplittableRandom(77 + THREADS.getAndIncrement());
    private long next;

    long next(boolean sequential) {
      return sequential ? next++ : random.nextLong();
    }
  }

  @Benchmark
  public void insert(Table table, Keys keys) {
    long seq = table.seq.incrementAndGet();
    // the memtable keeps the array, so each insert needs its own
    byte[] key =
        BenchData.setKey(
            BenchData.newKey(table.keySize), keys.next(table.order.equals("sequential")));
    table.current().add(key, seq, EntryKind.PUT, BenchData.value(table.values, seq));
  }
}
