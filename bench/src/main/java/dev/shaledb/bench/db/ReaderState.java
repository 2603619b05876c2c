package dev.shaledb.bench.db;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** One benchmark thread's random keys and full-scan position over a {@link LoadedDb}. */
@State(Scope.Thread)
public class ReaderState {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private final SplittableRandom random = new SplittableRandom(1000 + THREADS.getAndIncrement());
  private byte[] key;
  private KvEngine.Cursor cursor;

  @TearDown(Level.Trial)
  public void tearDown() {
    if (cursor != null) {
      cursor.close();
    }
  }

  /** A uniformly random key of {@code loaded}'s 0..num-1, in a buffer reused by the next call. */
  byte[] randomKey(LoadedDb loaded) {
    if (key == null) {
      key = BenchData.newKey(loaded.keySize);
    }
    return BenchData.setKey(key, random.nextLong(loaded.num));
  }

  /** The value of the next entry of a full forward scan, restarted at the end. */
  byte[] nextOfScan(LoadedDb loaded) {
    if (cursor == null || !cursor.next()) {
      if (cursor != null) {
        cursor.close();
      }
      cursor = loaded.db.scan(null);
      cursor.next();
    }
    return cursor.value();
  }
}
