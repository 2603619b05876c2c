import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.LocalFileObjectStore;
import dev.shaledb.objectstore.PutCondition;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The local store's ranged 4 KiB GET on the calling thread (no executor hand-off, whose wake-up
 * dominates on a loaded machine), and the two system-call costs it trades: a stat (the check that
 * a cached channel is still the key's file) against an open and a close. Run against two builds:
 *
 * <pre>java -cp bench/target/shaledb-bench.jar bench/scripts/LocalReadProbe.java</pre>
 *
 * Prints the median of 7 rounds of each, in µs per operation.
 */
public class LocalReadProbe {
  private static final int OBJECTS = 64;
  private static final int SIZE = 1 << 20;
  private static final int BLOCK = 4096;
  private static final int OPS = 50_000;

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("local-read-probe");
    try (LocalFileObjectStore store = new LocalFileObjectStore(dir, Runnable::run)) {
      SplittableRandom random = new SplittableRandom(7);
      byte[] data = new byte[SIZE];
      for (int i = 0; i < OBJECTS; i++) {
        random.nextBytes(data);
        Futures.join(store.put(key(i), data, PutCondition.ifAbsent()));
      }
      Path file;
      try (Stream<Path> files = Files.walk(dir)) {
        file = files.filter(p -> p.toString().endsWith("%o")).findFirst().orElseThrow();
      }
      double[] gets = new double[7];
      double[] stats = new double[7];
      double[] opens = new double[7];
      long sink = 0;
      for (int round = 0; round < 7; round++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < OPS; i++) {
          long offset = (long) random.nextInt(SIZE / BLOCK) * BLOCK;
          sink += Futures.join(store.get(key(random.nextInt(OBJECTS)), ByteRange.of(offset, BLOCK)))
              .data()[0];
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < OPS; i++) {
          BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
          sink += a.size() + a.fileKey().hashCode();
        }
        long t2 = System.nanoTime();
        for (int i = 0; i < OPS; i++) {
          try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            sink += channel.hashCode();
          }
        }
        long t3 = System.nanoTime();
        gets[round] = (t1 - t0) / 1e3 / OPS;
        stats[round] = (t2 - t1) / 1e3 / OPS;
        opens[round] = (t3 - t2) / 1e3 / OPS;
      }
      System.out.printf(
          "ranged 4 KiB get %.2f µs, stat %.2f µs, open+close %.2f µs (median of 7 rounds; %d)%n",
          median(gets), median(stats), median(opens), sink & 1);
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }

  private static String key(int i) {
    return String.format("probe/table-%05d.sst", i);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
