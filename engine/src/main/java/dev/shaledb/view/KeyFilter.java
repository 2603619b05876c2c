package dev.shaledb.view;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A Bloom filter over the keys of one memtable, so a point read of a key the memtable does not hold
 * skips the skip-list search (about twenty dependent cache misses in a large memtable) for a few
 * hash probes. Under concurrent ingest most point reads ask the memtables for keys they do not
 * hold, which made the memtable search the larger half of a read's cost.
 *
 * <p>Lock-free: {@link #add} sets bits with atomic ORs and may race with itself and with {@link
 * #mayContain}. There are no false negatives for a key whose {@code add} happened-before the query;
 * the engine adds a key before publishing its sequence number, and readers read that (volatile)
 * number first. The size is fixed; a memtable holding more keys than it was sized for only raises
 * the false-positive rate.
 */
public final class KeyFilter {
  private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final int PROBES = 6;
  private static final int BITS_PER_KEY = 10;
  private static final long MIN_BITS = 1 << 12;
  private static final long MAX_BITS = 1L << 30;

  private final long[] words;
  private final long mask;

  /**
   * A filter with at least ten bits per key for {@code expectedKeys} keys (the bit count rounds up
   * to a power of two, so a probe is a mask, not a division).
   */
  KeyFilter(long expectedKeys) {
    long wanted = Math.max(MIN_BITS, Math.min(MAX_BITS, expectedKeys * BITS_PER_KEY));
    long bits = Long.highestOneBit(wanted - 1) << 1;
    this.words = new long[(int) (bits >>> 6)];
    this.mask = bits - 1;
  }

  void add(byte[] key) {
    long h = hash(key);
    long step = (h >>> 32) | 1;
    for (int i = 0; i < PROBES; i++) {
      long bit = (h + i * step) & mask;
      int word = (int) (bit >>> 6);
      long m = 1L << bit;
      if (((long) WORDS.getVolatile(words, word) & m) == 0) {
        WORDS.getAndBitwiseOr(words, word, m);
      }
    }
  }

  boolean mayContain(byte[] key) {
    long h = hash(key);
    long step = (h >>> 32) | 1;
    for (int i = 0; i < PROBES; i++) {
      long bit = (h + i * step) & mask;
      if (((long) WORDS.getVolatile(words, (int) (bit >>> 6)) & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  /** The filter's size in bytes. */
  long sizeBytes() {
    return (long) words.length * Long.BYTES;
  }

  /** FNV-1a over the bytes, then a 64-bit finalizer so both halves of the hash are well mixed. */
  static long hash(byte[] key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }
}
