package dev.shaledb.chaos;

import dev.shaledb.DbOptions;
import dev.shaledb.DbStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The disk caches of one seed's processes, and damage to their files (issue 17, item 7). Each
 * process gets a directory of its own, seeded with a copy of the cache the last ended process left:
 * for a killed process the copy is taken at the kill, while its cache writer may be mid-entry, as a
 * kill -9 would leave it. Copies and live directories are damaged at random: bytes flipped, files
 * cut, the contents of two files swapped in place, files deleted (also while reads run). Every such
 * act is a {@link Stat#DISK_CACHE_DAMAGE}; the workload's read checks and the corruption audit must
 * still see no wrong data.
 *
 * <p>Its own random generator, drawn from the seed, so the workload's draws stay as they were.
 */
final class DiskCacheChaos {
  static final long BYTES = 4L << 20;

  private final Path root;
  private final SplittableRandom random;
  private final Tally tally;
  private Path last; // the cache the last ended process left, or null

  private DiskCacheChaos(Path root, SplittableRandom random, Tally tally) {
    this.root = root;
    this.random = random;
    this.tally = tally;
  }

  /** The disk caches of seed {@code seed}, or null if the seed runs without them (a third). */
  static DiskCacheChaos forSeed(long seed, Tally tally) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x6469736B63616368L);
    if (random.nextInt(3) == 0) {
      return null;
    }
    try {
      return new DiskCacheChaos(Files.createTempDirectory("shaledb-chaos-cache-"), random, tally);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code options} with the disk cache of process {@code id}; half the processes also lose their
   * memory block cache, so that every block read reaches the disk tier.
   */
  DbOptions options(DbOptions options, int id) {
    DbOptions.Builder b = options.toBuilder().diskCache(directoryFor(id), BYTES);
    if (random.nextBoolean()) {
      b.blockCacheBytes(0);
    }
    return b.build();
  }

  /** The directory for process {@code id}: a damaged copy of the last cache left, if any. */
  Path directoryFor(int id) {
    Path dir = root.resolve("p" + id);
    try {
      Files.createDirectories(dir);
      if (last != null && Files.isDirectory(last)) {
        for (Path f : files(last)) {
          Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        int acts = random.nextInt(3);
        for (int i = 0; i < acts; i++) {
          damage(dir);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    tally.inc(Stat.DISK_CACHE_PROCESSES);
    return dir;
  }

  /** Sometimes damages the live cache of process {@code id} between two of its operations. */
  void maybeDamageLive(int id) {
    if (random.nextInt(40) == 0) {
      try {
        damage(root.resolve("p" + id));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Process {@code id} ended: its directory as it is now (mid-write for a kill) seeds the next
   * process; {@code stats} are its counters, read before it ended.
   */
  void ended(int id, DbStats stats) {
    tally.add(Stat.DISK_CACHE_HITS, stats.diskCacheHits());
    tally.add(Stat.DISK_CACHE_ENTRIES_DAMAGED, stats.diskCacheDamaged());
    Path dir = root.resolve("p" + id);
    Path snapshot = root.resolve("left-by-" + id);
    try {
      Files.createDirectories(snapshot);
      for (Path f : files(dir)) {
        try {
          Files.copy(f, snapshot.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (java.nio.file.NoSuchFileException gone) {
          // evicted or damaged away while copying, as a kill may find it
        }
      }
      Path previous = last;
      last = snapshot;
      if (previous != null) {
        deleteTree(previous);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes every directory of the seed. */
  void close() {
    try {
      deleteTree(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void damage(Path dir) throws IOException {
    List<Path> files = files(dir);
    if (files.isEmpty()) {
      return;
    }
    Path f = files.get(random.nextInt(files.size()));
    tally.inc(Stat.DISK_CACHE_DAMAGE);
    try {
      switch (random.nextInt(4)) {
        case 0 -> flip(f);
        case 1 -> {
          try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(random.nextLong(Math.max(1, ch.size())));
          }
        }
        case 2 -> swap(f, files.get(random.nextInt(files.size())));
        default -> Files.deleteIfExists(f);
      }
    } catch (java.nio.file.NoSuchFileException gone) {
      // the cache evicted it meanwhile
    }
  }

  private void flip(Path f) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      for (int i = 0; size > 0 && i < 1 + random.nextInt(8); i++) {
        long at = random.nextLong(size);
        ByteBuffer b = ByteBuffer.allocate(1);
        ch.read(b, at);
        b.put(0, (byte) (b.get(0) ^ (1 + random.nextInt(255)))).rewind();
        ch.write(b, at);
      }
    }
  }

  /** Swaps the contents of two files in place, so open readers of either see the other's. */
  private static void swap(Path a, Path b) throws IOException {
    byte[] x = Files.readAllBytes(a);
    byte[] y = Files.readAllBytes(b);
    Files.write(a, y);
    Files.write(b, x);
  }

  private static List<Path> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().equals("LOCK")).sorted().toList();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
