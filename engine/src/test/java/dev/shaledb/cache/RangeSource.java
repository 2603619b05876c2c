package dev.shaledb.cache;

import dev.shaledb.objectstore.Futures;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "store" under a disk cache in tests: every range's bytes are a function of its object key,
 * offset and length, and every fetch is counted.
 */
final class RangeSource {
  final AtomicInteger fetches = new AtomicInteger();

  static byte[] bytesOf(String key, long offset, int length) {
    byte[] b = new byte[length];
    long x = key.hashCode() * 31L + offset;
    for (int i = 0; i < length; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      b[i] = (byte) (x >>> 56);
    }
    return b;
  }

  /**
   * Reads a range through {@code c}, fetching from this source on a miss; keeps what it fetches.
   */
  byte[] read(DiskCache c, String key, long offset, int length) {
    return Futures.join(
        c.read(
            key,
            offset,
            length,
            () -> {
              fetches.incrementAndGet();
              return CompletableFuture.completedFuture(bytesOf(key, offset, length));
            },
            bytes -> true));
  }

  /** Reads a range twice (its second miss admits it) and waits for the write. */
  void admit(DiskCache c, String key, long offset, int length) {
    read(c, key, offset, length);
    read(c, key, offset, length);
    c.awaitWrites();
  }
}
