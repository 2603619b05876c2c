package dev.shaledb.cache;

import static dev.shaledb.cache.DiskCacheTest.flip;
import static dev.shaledb.cache.DiskCacheTest.onlySegment;
import static dev.shaledb.cache.RangeSource.bytesOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage to the cache's files is a miss, never data: every byte of an entry flipped, files cut,
 * entries of two tables swapped, the directory deleted while reads run.
 */
class DiskCacheDamageTest {
  @TempDir Path dir;
  private final RangeSource source = new RangeSource();

  @Test
  void everyByteOfAnEntryFlippedIsAMiss() throws IOException {
    int size = CacheEntry.size(3, 64);
    for (int i = 0; i < size; i++) {
      Path at = Files.createDirectory(dir.resolve("flip-" + i));
      try (DiskCache c = DiskCache.open(at, DiskCache.MIN_BYTES)) {
        source.admit(c, "t/a", 4096, 64);
        flip(onlySegment(at), i);
        source.fetches.set(0);
        assertThat(source.read(c, "t/a", 4096, 64))
            .as("byte %d", i)
            .isEqualTo(bytesOf("t/a", 4096, 64));
        assertThat(source.fetches).as("byte %d", i).hasValue(1);
        assertThat(c.stats().damaged()).as("byte %d", i).isEqualTo(1);
      }
    }
  }

  @Test
  void aCutFileIsAMiss() throws IOException {
    try (DiskCache c = DiskCache.open(dir, DiskCache.MIN_BYTES)) {
      source.admit(c, "t/a", 0, 1000);
      source.admit(c, "t/a", 1000, 1000);
      try (FileChannel ch = FileChannel.open(onlySegment(dir), StandardOpenOption.WRITE)) {
        ch.truncate(CacheEntry.size(3, 1000) + 10);
      }
      source.fetches.set(0);
      assertThat(source.read(c, "t/a", 0, 1000)).isEqualTo(bytesOf("t/a", 0, 1000));
      assertThat(source.read(c, "t/a", 1000, 1000)).isEqualTo(bytesOf("t/a", 1000, 1000));
      assertThat(source.fetches).hasValue(1);
      assertThat(c.stats().damaged()).isEqualTo(1);
    }
  }

  @Test
  void entriesSwappedBetweenTablesAreMisses() throws IOException {
    try (DiskCache c = DiskCache.open(dir, DiskCache.MIN_BYTES)) {
      source.admit(c, "t/a", 0, 500);
      source.admit(c, "t/b", 0, 500);
      int size = CacheEntry.size(3, 500);
      Path segment = onlySegment(dir);
      try (FileChannel ch =
          FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer a = ByteBuffer.allocate(size);
        ByteBuffer b = ByteBuffer.allocate(size);
        ch.read(a, 0);
        ch.read(b, size);
        ch.write(b.flip(), 0);
        ch.write(a.flip(), size);
      }
      source.fetches.set(0);
      assertThat(source.read(c, "t/a", 0, 500)).isEqualTo(bytesOf("t/a", 0, 500));
      assertThat(source.read(c, "t/b", 0, 500)).isEqualTo(bytesOf("t/b", 0, 500));
      assertThat(source.fetches).hasValue(2);
      assertThat(c.stats().damaged()).isEqualTo(2);
    }
  }

  @Test
  void segmentFilesSwappedAcrossARestartAreMisses() throws IOException {
    int n = (int) (DiskCache.MIN_BYTES / 8 / 10_000) + 2; // enough for two segments
    try (DiskCache c = DiskCache.open(dir, DiskCache.MIN_BYTES)) {
      for (int i = 0; i < n; i++) {
        source.admit(c, "t/a", i * 10_000L, 10_000);
      }
    }
    Path[] dats;
    try (var s = Files.list(dir)) {
      dats = s.filter(p -> p.toString().endsWith(".dat")).sorted().toArray(Path[]::new);
    }
    assertThat(dats).hasSizeGreaterThanOrEqualTo(2);
    Path tmp = dir.resolve("swap");
    Files.move(dats[0], tmp);
    Files.move(dats[1], dats[0]);
    Files.move(tmp, dats[1]);
    try (DiskCache c = DiskCache.open(dir, DiskCache.MIN_BYTES)) {
      for (int i = 0; i < n; i++) {
        assertThat(source.read(c, "t/a", i * 10_000L, 10_000))
            .isEqualTo(bytesOf("t/a", i * 10_000L, 10_000));
      }
    }
  }

  @Test
  void deletingTheDirectoryWhileReadsRunLosesNothing() throws IOException {
    try (DiskCache c = DiskCache.open(dir, DiskCache.MIN_BYTES)) {
      for (int i = 0; i < 50; i++) {
        source.admit(c, "t/a", i * 4096L, 4096);
      }
      DiskCacheTest.deleteTree(dir);
      for (int i = 0; i < 50; i++) {
        assertThat(source.read(c, "t/a", i * 4096L, 4096))
            .isEqualTo(bytesOf("t/a", i * 4096L, 4096));
      }
      // It keeps working: enough new ranges to start new segments in a new directory.
      for (int i = 0; i < 300; i++) {
        source.admit(c, "t/b", i * 4096L, 4096);
      }
      assertThat(Files.isDirectory(dir)).isTrue();
      source.fetches.set(0);
      assertThat(source.read(c, "t/b", 299 * 4096L, 4096))
          .isEqualTo(bytesOf("t/b", 299 * 4096L, 4096));
      assertThat(source.fetches).hasValue(0);
    }
    try (DiskCache c = DiskCache.open(dir, DiskCache.MIN_BYTES)) {
      assertThat(source.read(c, "t/a", 0, 4096)).isEqualTo(bytesOf("t/a", 0, 4096));
    }
  }
}
