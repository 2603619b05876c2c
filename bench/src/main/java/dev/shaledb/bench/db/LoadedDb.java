package dev.shaledb.bench.db;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A database in a temporary directory holding keys 0..num-1, written in order, then closed and
 * reopened so that every key is read from tables rather than from the memtable, and left until
 * background compaction has settled.
 */
final class LoadedDb implements AutoCloseable {
  final KvEngine db;
  final int keySize;
  final long num;
  private final Path dir;

  private LoadedDb(Path dir, KvEngine db, int keySize, long num) {
    this.dir = dir;
    this.db = db;
    this.keySize = keySize;
    this.num = num;
  }

  /**
   * @param blockCache whether the reopened database has a block cache; if so, one full scan warms
   *     it
   */
  static LoadedDb load(String engine, String kv, long num, boolean blockCache) {
    return load(engine, kv, num, blockCache, null);
  }

  /**
   * As {@link #load(String, String, long, boolean)}, running {@code afterFill} (null: none) on the
   * database reopened after the fill and settled, then closing it again (so what it wrote is in a
   * level-0 table).
   */
  static LoadedDb load(
      String engine, String kv, long num, boolean blockCache, Consumer<KvEngine> afterFill) {
    int[] sizes = BenchData.sizes(kv);
    Path dir = BenchData.tempDir("shaledb-read-");
    try (KvEngine writer = KvEngine.open(engine, dir, true)) {
      BenchData.fillSeq(writer, num, sizes[0], BenchData.values(sizes[1], 2));
    }
    if (afterFill != null) {
      try (KvEngine writer = KvEngine.open(engine, dir, true)) {
        writer.awaitCompactions();
        afterFill.accept(writer);
        writer.flush();
      }
    }
    KvEngine db = KvEngine.open(engine, dir, blockCache);
    db.awaitCompactions();
    if (blockCache) {
      try (KvEngine.Cursor cursor = db.scan(null)) {
        long seen = 0;
        while (cursor.next()) {
          seen++;
        }
        if (afterFill == null ? seen != num : seen > num) {
          throw new IllegalStateException(engine + " holds " + seen + " keys, expected " + num);
        }
      }
    }
    return new LoadedDb(dir, db, sizes[0], num);
  }

  @Override
  public void close() {
    try {
      db.close();
    } finally {
      BenchData.deleteTree(dir);
    }
  }
}
