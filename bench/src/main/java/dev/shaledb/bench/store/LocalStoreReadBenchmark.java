package dev.shaledb.bench.store;

import static dev.shaledb.objectstore.Futures.join;

import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.LocalFileObjectStore;
import dev.shaledb.objectstore.PutCondition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
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
 * A ranged GET of {@code blockSize} bytes at a random block of one of {@code objects} objects of
 * {@code objectSize} bytes in a {@link LocalFileObjectStore}: what an uncached data-block read of
 * the engine costs on a local directory, without the engine. The objects fit in the page cache, so
 * the score is the store's own overhead (executor hand-off, system calls), not the disk's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LocalStoreReadBenchmark {

  /** The store and its objects, shared by all benchmark threads. */
  @State(Scope.Benchmark)
  public static class Loaded {
    @Param({"64"})
    public int objects;

    @Param({"1048576"})
    public int objectSize;

    @Param({"4096"})
    public int blockSize;

    Path dir;
    LocalFileObjectStore store;

    @Setup(Level.Trial)
    public void load() throws IOException {
      dir = Files.createTempDirectory("shaledb-store-read");
      store = new LocalFileObjectStore(dir);
      SplittableRandom random = new SplittableRandom(7);
      byte[] data = new byte[objectSize];
      for (int i = 0; i < objects; i++) {
        random.nextBytes(data);
        join(store.put(key(i), data, PutCondition.ifAbsent()));
      }
    }

    static String key(int i) {
      return String.format("bench/table-%05d.sst", i);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      store.close();
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }

  /** Per-thread random choice of object and block. */
  @State(Scope.Thread)
  public static class Reader {
    private static final AtomicInteger THREADS = new AtomicInteger();
    final SplittableRandom random = new SplittableRandom(1000 + THREADS.getAndIncrement());
  }

  @Benchmark
  public byte[] rangedGet(Loaded state, Reader reader) {
    int object = reader.random.nextInt(state.objects);
    long block = reader.random.nextInt(state.objectSize / state.blockSize);
    return join(state.store.get(
            Loaded.key(object), ByteRange.of(block * state.blockSize, state.blockSize)))
        .data();
  }
}
