package dev.shaledb.bench.db;

import java.nio.file.Path;

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
    int[] sizes = BenchData.sizes(kv);
    Path dir = BenchData.tempDir("shaledb-read-");
    try (KvEngine writer = KvEngine.open(engine, dir, true)) {
      BenchData.fillSeq(writer, num, sizes[0], BenchData.values(sizes[1], 2));
    }
    KvEngine db = KvEngine.open(engine, dir, blockCache);
    db.awaitCompactions();
    if (blockCache) {
      try (KvEngine.Cursor cursor = db.scan(null)) {
        long seen = 0;
        while (cursor.next()) {
          seen++;
        }
        if (seen != num) {
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
