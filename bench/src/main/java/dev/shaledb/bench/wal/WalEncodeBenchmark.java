package dev.shaledb.bench.wal;

import dev.shaledb.wal.WalBatch;
import dev.shaledb.wal.WalEntry;
import dev.shaledb.wal.WalFormat;
import dev.shaledb.wal.WalObjectHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding speed of WAL objects: the CPU cost of group commit per byte. One operation encodes (or
 * decodes) one object of {@code batches} batches of {@code entriesPerBatch} puts with 16-byte keys
 * and {@code valueBytes}-byte values; the {@code bytes} counter gives the throughput in bytes/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class WalEncodeBenchmark {
  @Param({"100"})
  public int valueBytes;

  @Param({"1", "16"})
  public int entriesPerBatch;

  @Param({"64", "1024"})
  public int batches;

  private List<WalBatch> content;
  private WalObjectHeader header;
  private byte[] encoded;

  /** Bytes encoded or decoded, reported by JMH as a rate. */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Bytes {
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
    }
  }

  @Setup
  public void setup() {
    SplittableRandom random = new SplittableRandom(42);
    content = new ArrayList<>(batches);
    long seq = 1;
    for (int b = 0; b < batches; b++) {
      List<WalEntry> entries = new ArrayList<>(entriesPerBatch);
      for (int e = 0; e < entriesPerBatch; e++) {
        byte[] key = new byte[16];
        byte[] value = new byte[valueBytes];
        random.nextBytes(key);
        random.nextBytes(value);
        entries.add(WalEntry.put(key, value));
      }
      WalBatch batch = new WalBatch(seq, entries);
      seq = batch.lastSeq() + 1;
      content.add(batch);
    }
    header = new WalObjectHeader(2, 1, 1, new UUID(1, 2), false, batches);
    encoded = WalFormat.encode(header, content);
  }

  @Benchmark
  public byte[] encode(Bytes counter) {
    byte[] out = WalFormat.encode(header, content);
    counter.bytes += out.length;
    return out;
  }

  @Benchmark
  public Object decode(Bytes counter) {
    counter.bytes += encoded.length;
    return WalFormat.decode("wal/00000000000000000002.wal", 2, encoded);
  }
}
