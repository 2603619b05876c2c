package dev.shaledb.cache;

import static dev.shaledb.cache.RangeSource.bytesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.objectstore.Futures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk cache alone: hits and misses, restart, budget, admission, and damage of its files. */
class DiskCacheTest {
  @TempDir Path dir;
  private final List<DiskCache> opened = new ArrayList<>();
  private final RangeSource source = new RangeSource();

  @AfterEach
  void closeAll() {
    opened.forEach(DiskCache::close);
  }

  private DiskCache open(Path at, long bytes) {
    DiskCache c = DiskCache.open(at, bytes);
    opened.add(c);
    return c;
  }

  @Test
  void aRangeMissedTwiceIsThenServedFromDisk() {
    DiskCache c = open(dir, DiskCache.MIN_BYTES);
    assertThat(source.read(c, "t/a", 0, 4096)).isEqualTo(bytesOf("t/a", 0, 4096));
    c.awaitWrites();
    assertThat(c.stats().writes()).isZero(); // one miss admits nothing
    source.read(c, "t/a", 0, 4096);
    c.awaitWrites();
    assertThat(source.read(c, "t/a", 0, 4096)).isEqualTo(bytesOf("t/a", 0, 4096));
    assertThat(source.fetches).hasValue(2);
    assertThat(c.stats().hits()).isEqualTo(1);
    assertThat(c.stats().misses()).isEqualTo(2);
    assertThat(c.stats().bytes()).isEqualTo(CacheEntry.size(3, 4096));
    // The same offset with another length is another range.
    assertThat(source.read(c, "t/a", 0, 100)).isEqualTo(bytesOf("t/a", 0, 100));
    assertThat(source.fetches).hasValue(3);
  }

  @Test
  void bytesTheCallerRejectsAreNeverKept() {
    DiskCache c = open(dir, DiskCache.MIN_BYTES);
    for (int i = 0; i < 3; i++) {
      Futures.join(
          c.read(
              "t/a", 0, 10, () -> CompletableFuture.completedFuture(new byte[10]), bytes -> false));
      c.awaitWrites();
    }
    assertThat(c.stats().writes()).isZero();
  }

  @Test
  void aFailedFetchFailsTheReadAndIsNotCached() {
    DiskCache c = open(dir, DiskCache.MIN_BYTES);
    CompletableFuture<byte[]> f =
        c.read(
            "t/a",
            0,
            10,
            () -> CompletableFuture.failedFuture(new IllegalStateException("store down")),
            bytes -> true);
    assertThatThrownBy(() -> Futures.join(f)).hasMessage("store down");
    assertThat(source.read(c, "t/a", 0, 10)).isEqualTo(bytesOf("t/a", 0, 10));
  }

  @Test
  void aRestartTakesBackWhatWasCached() {
    DiskCache c = open(dir, DiskCache.MIN_BYTES);
    for (int i = 0; i < 100; i++) {
      source.admit(c, "t/a", i * 4096L, 4096);
    }
    c.close();
    c.close(); // idempotent
    source.fetches.set(0);
    DiskCache again = open(dir, DiskCache.MIN_BYTES);
    for (int i = 0; i < 100; i++) {
      assertThat(source.read(again, "t/a", i * 4096L, 4096))
          .isEqualTo(bytesOf("t/a", i * 4096L, 4096));
    }
    assertThat(source.fetches).hasValue(0);
    assertThat(again.stats().hits()).isEqualTo(100);
  }

  @Test
  void aSegmentCutByACrashIsTakenBackUpToItsLastIntactEntry() throws IOException {
    DiskCache c = open(dir, DiskCache.MIN_BYTES);
    for (int i = 0; i < 10; i++) {
      source.admit(c, "t/a", i * 1000L, 1000);
    }
    // As if killed while writing: a copy of the directory with no index, cut inside entry 7.
    Path copy = Files.createDirectory(dir.resolveSibling(dir.getFileName() + "-crash"));
    Path segment = onlySegment(dir);
    Files.copy(segment, copy.resolve(segment.getFileName()));
    long entry = CacheEntry.size(3, 1000);
    try (FileChannel ch =
        FileChannel.open(copy.resolve(segment.getFileName()), StandardOpenOption.WRITE)) {
      ch.truncate(7 * entry + entry / 2);
    }
    source.fetches.set(0);
    DiskCache after = open(copy, DiskCache.MIN_BYTES);
    assertThat(after.stats().bytes()).isEqualTo(7 * entry);
    for (int i = 0; i < 10; i++) {
      assertThat(source.read(after, "t/a", i * 1000L, 1000))
          .isEqualTo(bytesOf("t/a", i * 1000L, 1000));
    }
    assertThat(source.fetches).hasValue(3);
    assertThat(after.stats().damaged()).isZero(); // the cut entries were dropped at open
  }

  @Test
  void aDamagedIndexFallsBackToScanningItsSegment() throws IOException {
    DiskCache c = open(dir, DiskCache.MIN_BYTES);
    for (int i = 0; i < 10; i++) {
      source.admit(c, "t/a", i * 1000L, 1000);
    }
    c.close();
    Path idx;
    try (Stream<Path> s = Files.list(dir)) {
      idx = s.filter(p -> p.toString().endsWith(".idx")).findFirst().orElseThrow();
    }
    flip(idx, 9);
    source.fetches.set(0);
    DiskCache again = open(dir, DiskCache.MIN_BYTES);
    for (int i = 0; i < 10; i++) {
      assertThat(source.read(again, "t/a", i * 1000L, 1000))
          .isEqualTo(bytesOf("t/a", i * 1000L, 1000));
    }
    assertThat(source.fetches).hasValue(0);
  }

  @Test
  void staysWithinItsBudgetAndEvictsOldestFirst() throws IOException {
    DiskCache c = open(dir, DiskCache.MIN_BYTES);
    int blocks = (int) (5 * DiskCache.MIN_BYTES / 16384);
    for (int i = 0; i < blocks; i++) {
      source.admit(c, "t/a", i * 16384L, 16384);
      assertThat(c.stats().bytes()).isLessThanOrEqualTo(DiskCache.MIN_BYTES);
    }
    assertThat(filesBytes(dir)).isLessThanOrEqualTo(DiskCache.MIN_BYTES + 4096);
    source.fetches.set(0);
    assertThat(source.read(c, "t/a", (blocks - 1) * 16384L, 16384))
        .isEqualTo(bytesOf("t/a", (blocks - 1) * 16384L, 16384));
    assertThat(source.fetches).hasValue(0); // the newest stayed
    assertThat(source.read(c, "t/a", 0, 16384)).isEqualTo(bytesOf("t/a", 0, 16384));
    assertThat(source.fetches).hasValue(1); // the oldest went
  }

  @Test
  void aScanThatReadsEachBlockOnceDoesNotFlushTheHotSet() {
    DiskCache c = open(dir, DiskCache.MIN_BYTES);
    for (int i = 0; i < 20; i++) {
      source.admit(c, "t/hot", i * 8192L, 8192);
    }
    // A scan of four times the budget, each block read once.
    for (int i = 0; i < 4 * DiskCache.MIN_BYTES / 8192; i++) {
      source.read(c, "t/scan", i * 8192L, 8192);
    }
    c.awaitWrites();
    source.fetches.set(0);
    for (int i = 0; i < 20; i++) {
      assertThat(source.read(c, "t/hot", i * 8192L, 8192))
          .isEqualTo(bytesOf("t/hot", i * 8192L, 8192));
    }
    assertThat(source.fetches).hasValue(0);
  }

  @Test
  void forgottenTablesAreMisses() {
    DiskCache c = open(dir, DiskCache.MIN_BYTES);
    source.admit(c, "t/a", 0, 100);
    source.admit(c, "t/b", 0, 100);
    c.invalidate(List.of("t/a"));
    source.fetches.set(0);
    source.read(c, "t/a", 0, 100);
    source.read(c, "t/b", 0, 100);
    assertThat(source.fetches).hasValue(1);
  }

  @Test
  void badOptionsAndABusyDirectoryAreRefused() throws IOException {
    assertThatThrownBy(() -> DiskCache.open(dir, DiskCache.MIN_BYTES - 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("below the minimum");
    open(dir, DiskCache.MIN_BYTES);
    assertThatThrownBy(() -> DiskCache.open(dir, DiskCache.MIN_BYTES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is in use");
    Path file = Files.writeString(dir.resolveSibling("plain-file"), "x");
    assertThatThrownBy(() -> DiskCache.open(file, DiskCache.MIN_BYTES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be used");
    assertThatThrownBy(() -> DiskCache.checkOptions(null, 1))
        .hasMessage("diskCacheBytes is 1 but diskCacheDirectory is null");
    assertThatThrownBy(() -> DiskCache.checkOptions(dir, -1))
        .hasMessage("diskCacheBytes is negative: -1");
    DiskCache.checkOptions(null, 0);
  }

  static Path onlySegment(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> segments = s.filter(p -> p.toString().endsWith(".dat")).toList();
      assertThat(segments).hasSize(1);
      return segments.get(0);
    }
  }

  static void flip(Path file, long position) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, position);
      b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
      ch.write(b, position);
    }
  }

  private static long filesBytes(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".dat"))
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .sum();
    }
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
