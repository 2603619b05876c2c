package dev.shaledb.bench.db;

import dev.shaledb.Db;
import dev.shaledb.DbOptions;
import dev.shaledb.Transaction;
import dev.shaledb.TransactionOptions;
import dev.shaledb.error.TransactionConflictException;
import dev.shaledb.objectstore.LocalFileObjectStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.OptimisticTransactionDB;
import org.rocksdb.OptimisticTransactionOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.rocksdb.WriteOptions;

/**
 * Optimistic transactions, ShaleDB against RocksDB's {@code OptimisticTransactionDB} in one run:
 * each operation is one read-modify-write transaction of 4 random counters (read each, write it
 * plus one, commit without waiting for durability: ShaleDB {@code noWait}, RocksDB WAL on and
 * {@code sync=false}), from 4 threads. {@code keys} sets the contention: 1,000,000 counters (low:
 * conflicts are rare) or 64 (high). A conflict aborts the transaction and counts in {@code aborts};
 * the score counts attempts, {@code commits} and {@code aborts} (per second, JMH's auxiliary
 * counters) split them. Both run snapshot isolation with conflicts on written keys (RocksDB: {@code
 * getForUpdate} of each key read, the snapshot set at begin).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Threads(4)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TransactionBenchmark {
  static {
    org.rocksdb.RocksDB.loadLibrary();
  }

  @Param({"shaledb", "rocksdb"})
  public String engine;

  @Param({"1000000", "64"})
  public int keys;

  private Path dir;
  private Db shale;
  private Options rocksOptions;
  private OptimisticTransactionDB rocks;
  private final WriteOptions rocksWrite = new WriteOptions().setSync(false);
  private final ReadOptions rocksRead = new ReadOptions();
  private final OptimisticTransactionOptions rocksTxn =
      new OptimisticTransactionOptions().setSetSnapshot(true);

  /** Commits and aborts per second, reported beside the score. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Outcomes {
    public long commits;
    public long aborts;
    final SplittableRandom random = new SplittableRandom(Thread.currentThread().getId());
    final byte[][] keys = new byte[4][];
  }

  @Setup(Level.Trial)
  public void open() throws RocksDBException {
    dir = BenchData.tempDir("shaledb-txn-");
    if (engine.equals("shaledb")) {
      shale = Db.open(new LocalFileObjectStore(dir), "db", DbOptions.defaults());
    } else {
      rocksOptions = new Options().setCreateIfMissing(true);
      rocks = OptimisticTransactionDB.open(rocksOptions, dir.toString());
    }
    for (int i = 0; i < keys; i++) {
      byte[] key = key(i);
      byte[] zero = counter(0);
      if (shale != null) {
        shale.put(key, zero, dev.shaledb.WriteOptions.noWait());
      } else {
        rocks.put(rocksWrite, key, zero);
      }
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    try {
      if (shale != null) {
        shale.close();
      } else {
        rocks.close();
        rocksOptions.close();
      }
    } finally {
      BenchData.deleteTree(dir);
    }
  }

  private static byte[] key(int i) {
    return String.format("counter-%08d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static byte[] counter(long n) {
    return ByteBuffer.allocate(8).putLong(n).array();
  }

  private static long counter(byte[] b) {
    return b == null ? 0 : ByteBuffer.wrap(b).getLong();
  }

  @Benchmark
  public void readModifyWrite4(Outcomes o) throws RocksDBException {
    for (int i = 0; i < 4; i++) {
      o.keys[i] = key(o.random.nextInt(keys));
    }
    boolean committed = shale != null ? shaleTxn(o.keys) : rocksTxn(o.keys);
    if (committed) {
      o.commits++;
    } else {
      o.aborts++;
    }
  }

  private boolean shaleTxn(byte[][] keys) {
    try (Transaction t = shale.beginTransaction(TransactionOptions.snapshotIsolation())) {
      for (byte[] k : keys) {
        t.put(k, counter(counter(t.get(k)) + 1));
      }
      t.commit(dev.shaledb.WriteOptions.noWait());
      return true;
    } catch (TransactionConflictException e) {
      return false;
    }
  }

  private boolean rocksTxn(byte[][] keys) throws RocksDBException {
    try (org.rocksdb.Transaction t = rocks.beginTransaction(rocksWrite, rocksTxn)) {
      for (byte[] k : keys) {
        t.put(k, counter(counter(t.getForUpdate(rocksRead, k, true)) + 1));
      }
      try {
        t.commit();
        return true;
      } catch (RocksDBException e) {
        if (e.getStatus() != null && e.getStatus().getCode() == Status.Code.Busy) {
          return false;
        }
        throw e;
      }
    }
  }
}
