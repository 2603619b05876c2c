package dev.shaledb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.testing.Seeds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database with the disk cache on behaves as the model (a sorted map) does: across flushes,
 * compactions, reopens with a warm cache, and cache files damaged between reopens.
 */
class DbDiskCachePropertyTest {
  @TempDir Path cacheDir;

  private DbOptions options(long blockCacheBytes) {
    return CompactionTest.options(CompactionTest.small().build()).toBuilder()
        .blockCacheBytes(blockCacheBytes)
        .diskCache(cacheDir, 4L << 20)
        .build();
  }

  @Test
  void readsMatchTheModelAcrossReopensWithAWarmAndDamagedCache() throws IOException {
    Seeds.Gen gen = Seeds.gen("DbDiskCachePropertyTest");
    ObjectStore store = new InMemoryObjectStore();
    TreeMap<String, byte[]> model = new TreeMap<>();
    long hitsAfterReopen = 0;
    for (int life = 0; life < 4; life++) {
      // Without a memory cache every block read reaches the disk tier.
      DbOptions options = options(gen.chance(0.5) ? 0 : 64 << 10);
      try (Db db = Db.open(store, "db", options)) {
        if (life > 0) {
          check(db, model, gen);
          hitsAfterReopen += db.stats().diskCacheHits();
        }
        for (int op = 0; op < 1500; op++) {
          String k = String.format("k%05d", gen.intBetween(0, 2000));
          if (gen.chance(0.15)) {
            db.delete(Testing.b(k), WriteOptions.noWait());
            model.remove(k);
          } else {
            byte[] v = gen.bytes(gen.intBetween(0, 200));
            db.put(Testing.b(k), v, WriteOptions.noWait());
            model.put(k, v);
          }
          if (op % 500 == 499) {
            db.engine().flushMemtables();
            check(db, model, gen);
          }
        }
        db.engine().flushMemtables();
        check(db, model, gen);
        check(db, model, gen); // the second pass admits what the first missed
        assertThat(db.stats().diskCacheMisses()).isPositive();
      }
      damage(gen);
    }
    assertThat(hitsAfterReopen).as("reopens found the cache warm").isPositive();
  }

  private static void check(Db db, TreeMap<String, byte[]> model, Seeds.Gen gen) {
    for (int i = 0; i < 300; i++) {
      String k = String.format("k%05d", gen.intBetween(0, 2000));
      assertThat(db.get(Testing.b(k))).as(k).isEqualTo(model.get(k));
    }
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String k = String.format("k%05d", gen.intBetween(0, 2000));
      keys.add(Testing.b(k));
      expected.add(model.get(k));
    }
    List<byte[]> got = db.multiGet(keys);
    for (int i = 0; i < keys.size(); i++) {
      assertThat(got.get(i)).isEqualTo(expected.get(i));
    }
    List<Map.Entry<String, byte[]>> scanned = new ArrayList<>();
    try (DbIterator it = db.scan(null, null)) {
      it.forEachRemaining(
          kv ->
              scanned.add(
                  Map.entry(
                      new String(kv.key(), java.nio.charset.StandardCharsets.UTF_8), kv.value())));
    }
    assertThat(scanned).hasSize(model.size());
    int i = 0;
    for (Map.Entry<String, byte[]> e : model.entrySet()) {
      assertThat(scanned.get(i).getKey()).isEqualTo(e.getKey());
      assertThat(Arrays.equals(scanned.get(i).getValue(), e.getValue())).isTrue();
      i++;
    }
  }

  /** Flips bytes, cuts or deletes cache files while the database is closed. */
  private void damage(Seeds.Gen gen) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(cacheDir)) {
      files = s.filter(p -> !p.getFileName().toString().equals("LOCK")).sorted().toList();
    }
    for (Path f : files) {
      long size = Files.size(f);
      int what = gen.intBetween(0, 5);
      if (size == 0 || what >= 3) {
        continue;
      }
      try (FileChannel ch =
          FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        if (what == 0) {
          for (int n = 0; n < 10; n++) {
            long at = gen.random().nextLong(size);
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
            ch.write(b, at);
          }
        } else if (what == 1) {
          ch.truncate(gen.random().nextLong(size));
        }
      }
      if (what == 2) {
        Files.delete(f);
      }
    }
  }

  @Test
  void badDiskCacheOptionsAreRefusedWithTheDatabaseUnchanged() throws IOException {
    assertThatThrownBy(() -> DbOptions.builder().diskCache(cacheDir, 1 << 20).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("diskCacheBytes 1048576 is below the minimum of 4194304");
    assertThatThrownBy(() -> DbOptions.builder().diskCache(null, 4L << 20).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("diskCacheBytes is 4194304 but diskCacheDirectory is null");
    assertThatThrownBy(() -> DbReaderOptions.builder().diskCache(cacheDir, -1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("diskCacheBytes is negative: -1");
    ObjectStore store = new InMemoryObjectStore();
    try (Db db = Db.open(store, "db", options(0))) {
      db.put(Testing.b("a"), Testing.b("1"));
      // A second user of the same directory is refused, and the first goes on.
      assertThatThrownBy(
              () ->
                  DbReader.open(
                      store, "db", DbReaderOptions.builder().diskCache(cacheDir, 4L << 20).build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is in use");
      assertThat(db.get(Testing.b("a"))).isEqualTo(Testing.b("1"));
    }
    Path file = Files.writeString(cacheDir.resolve("not-a-dir"), "x");
    DbOptions onAFile = DbOptions.builder().diskCache(file, 4L << 20).build();
    assertThatThrownBy(() -> Db.open(store, "db", onAFile))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be used");
    try (Db db = Db.open(store, "db", options(0))) {
      assertThat(db.get(Testing.b("a"))).isEqualTo(Testing.b("1"));
    }
  }

  @Test
  void aReaderServesReadsFromItsDiskCacheAfterARestart() {
    ObjectStore store = new InMemoryObjectStore();
    try (Db db = Db.open(store, "db", options(0))) {
      for (int k = 0; k < 2000; k++) {
        db.put(CompactionTest.key(k), CompactionTest.value(0, k), WriteOptions.noWait());
      }
      db.engine().flushMemtables();
    }
    DbReaderOptions readerOptions =
        DbReaderOptions.builder()
            .pollInterval(java.time.Duration.ZERO)
            .blockCacheBytes(0)
            .diskCache(cacheDir.resolve("reader"), 4L << 20)
            .build();
    for (int life = 0; life < 2; life++) {
      try (DbReader reader = DbReader.open(store, "db", readerOptions)) {
        for (int pass = 0; pass < 2; pass++) {
          for (int k = 0; k < 2000; k += 7) {
            assertThat(reader.get(CompactionTest.key(k))).isEqualTo(CompactionTest.value(0, k));
          }
        }
        DbReaderStats stats = reader.stats();
        if (life == 1) {
          assertThat(stats.diskCacheHits()).isPositive();
          assertThat(stats.diskCacheBytes()).isPositive();
        }
      }
    }
  }
}
