package dev.shaledb.bench;

import dev.shaledb.bench.db.BenchData;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The keys of the {@code ingest} command: uniform random draws from {@code n} distinct key numbers,
 * one seeded generator per writer thread, and a count of the distinct keys drawn so far (the live
 * data for space amplification).
 *
 * <p>Nothing holds the keys themselves: a key is made from its number when drawn, and the distinct
 * count comes from one bit per key number ({@code n / 8} bytes, 12.5 MB for 100 million keys), so
 * memory does not grow with the run. A key's first 8 bytes are its number scrambled by a bijection
 * (distinct numbers give distinct keys spread over the whole key space, as hashed or random ids
 * are), the rest is {@link BenchData}'s padding.
 */
final class IngestKeys {
  private final long n;
  private final int keySize;
  private final AtomicLongArray drawn;
  private final LongAdder distinct = new LongAdder();
  private final SplittableRandom[] randoms;
  private final byte[][] buffers;

  IngestKeys(long n, int keySize, int threads, long seed) {
    if (n < 1 || n > IngestOptions.MAX_KEYS) {
      throw new IllegalArgumentException("key count must be in [1, 2^36]: " + n);
    }
    this.n = n;
    this.keySize = keySize;
    this.drawn = new AtomicLongArray((int) ((n + 63) >>> 6));
    this.randoms = new SplittableRandom[threads];
    this.buffers = new byte[threads][];
    for (int t = 0; t < threads; t++) {
      randoms[t] = new SplittableRandom(seed * 1_000_003 + t);
      buffers[t] = BenchData.newKey(keySize);
    }
  }

  /**
   * The next key of writer {@code thread}, in that thread's buffer (valid until its next call).
   * Only thread {@code thread} may call this with its number.
   */
  byte[] next(int thread) {
    long k = randoms[thread].nextLong(n);
    mark(k);
    return BenchData.setKey(buffers[thread], scramble(k));
  }

  /** Distinct keys drawn so far (a draw counts from just before its put). */
  long distinct() {
    return distinct.sum();
  }

  int keySize() {
    return keySize;
  }

  private void mark(long k) {
    int word = (int) (k >>> 6);
    long bit = 1L << k;
    while (true) {
      long old = drawn.get(word);
      if ((old & bit) != 0) {
        return;
      }
      if (drawn.compareAndSet(word, old, old | bit)) {
        distinct.increment();
        return;
      }
    }
  }

  /** SplitMix64's finalizer: a bijection on 64-bit values, so distinct numbers stay distinct. */
  static long scramble(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
