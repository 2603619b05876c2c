package dev.shaledb.bench.sst;

import dev.shaledb.sst.RangeReader;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstIterator;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.sst.SstReader;
import dev.shaledb.sst.SstReaderOptions;
import dev.shaledb.table.CaffeineBlockCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 17 item 6: what a cached block should hold. {@code form=bytes} is the engine's block cache
 * (a block's uncompressed bytes in one heap array, entries parsed on each access, in Caffeine);
 * {@code form=objects} holds each block's entries decoded into Java objects (a key array and a
 * value array per entry, binary-searched, no parsing). Both serve a point hit of a random key of a
 * 64 MiB table of 16/100 entries and copy the value out, as the engine does. The setup prints the
 * heap each form retains (after a full GC), and {@code -prof gc} gives the allocation per lookup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class BlockFormBenchmark {
  private static final int KEYS = 1 << 16;

  @Param({"bytes", "objects"})
  public String form;

  private SstReader reader;
  private byte[][] firstKeys;
  private byte[][][] blockKeys;
  private byte[][][] blockValues;
  private final byte[][] hits = new byte[KEYS][];
  private int next;

  @Setup
  public void setUp() {
    byte[] table = SstBenchData.toArray(SstBenchData.buildTable(SstOptions.defaults()));
    long before = retainedHeap();
    if (form.equals("bytes")) {
      reader =
          SstReader.open(
              "bench/table.sst",
              RangeReader.of(table),
              SstReaderOptions.defaults().withBlockCache(new CaffeineBlockCache(512L << 20)));
      SstIterator warm = reader.iterator(Long.MAX_VALUE);
      for (warm.seekToFirst(); warm.isValid(); warm.next()) {
        // loads every block into the cache
      }
    } else {
      decodeToObjects(table);
    }
    long held = retainedHeap() - before;
    System.out.printf(
        "%n[form=%s] retained heap %,d bytes (%.2f x the table's %,d bytes)%n",
        form, held, (double) held / table.length, table.length);
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < KEYS; i++) {
      hits[i] = SstBenchData.key(random.nextInt(SstBenchData.ENTRIES - 1), false);
    }
  }

  /** Entries split into blocks of the engine's block size, each as arrays of objects. */
  private void decodeToObjects(byte[] table) {
    SstReader plain = SstReader.open("bench/table.sst", RangeReader.of(table));
    List<byte[][]> keys = new ArrayList<>();
    List<byte[][]> values = new ArrayList<>();
    List<byte[]> ks = new ArrayList<>();
    List<byte[]> vs = new ArrayList<>();
    int bytes = 0;
    SstIterator it = plain.iterator(Long.MAX_VALUE);
    for (it.seekToFirst(); it.isValid(); it.next()) {
      ks.add(it.key());
      vs.add(it.value());
      bytes += it.keyLength() + it.valueLength();
      if (bytes >= SstOptions.DEFAULT_BLOCK_SIZE) {
        keys.add(ks.toArray(byte[][]::new));
        values.add(vs.toArray(byte[][]::new));
        ks.clear();
        vs.clear();
        bytes = 0;
      }
    }
    if (!ks.isEmpty()) {
      keys.add(ks.toArray(byte[][]::new));
      values.add(vs.toArray(byte[][]::new));
    }
    blockKeys = keys.toArray(byte[][][]::new);
    blockValues = values.toArray(byte[][][]::new);
    firstKeys = new byte[blockKeys.length][];
    for (int b = 0; b < blockKeys.length; b++) {
      firstKeys[b] = blockKeys[b][0];
    }
  }

  private static long retainedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  @Benchmark
  public Object getHit() {
    byte[] key = hits[next++ & (KEYS - 1)];
    if (reader != null) {
      Optional<SstEntry> e = reader.get(key, Long.MAX_VALUE);
      return e.isPresent() ? e.get().value() : null;
    }
    int b = Arrays.binarySearch(firstKeys, key, Arrays::compareUnsigned);
    b = b >= 0 ? b : -b - 2;
    if (b < 0) {
      return null;
    }
    int i = Arrays.binarySearch(blockKeys[b], key, Arrays::compareUnsigned);
    return i >= 0 ? blockValues[b][i].clone() : null;
  }
}
