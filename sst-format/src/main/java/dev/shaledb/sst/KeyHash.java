package dev.shaledb.sst;

/**
 * The 64-bit key hash behind the bloom filter. It is part of the persistent format (filter type 1):
 * changing a single constant makes every stored filter answer wrongly, so it is pinned by tests.
 *
 * <p>Eight bytes at a time, each word is scrambled by multiply-rotate-multiply and folded into the
 * state with a rotate and a multiply-add; a final avalanche (xor-shift-multiply, the SplitMix64
 * finalizer) makes every output bit depend on every input bit, which double hashing needs.
 */
final class KeyHash {
  private static final long SEED = 0x5348_414C_4544_4231L;
  private static final long P1 = 0x9E37_79B9_7F4A_7C15L;
  private static final long P2 = 0xC2B2_AE3D_27D4_EB4FL;
  private static final long P3 = 0x1656_67B1_9E37_79F9L;
  private static final long P4 = 0x27D4_EB2F_1656_67C5L;

  private KeyHash() {}

  static long hash64(byte[] key) {
    return hash64(key, 0, key.length);
  }

  static long hash64(byte[] key, int off, int len) {
    long h = SEED ^ (len * P1);
    int i = off;
    int end = off + len;
    for (; end - i >= 8; i += 8) {
      h = fold(h, Bytes.getLongLE(key, i));
    }
    if (i < end) {
      long tail = 0;
      for (int shift = 0; i < end; i++, shift += 8) {
        tail |= (key[i] & 0xFFL) << shift;
      }
      h = fold(h, tail);
    }
    return avalanche(h);
  }

  private static long fold(long h, long word) {
    long w = Long.rotateLeft(word * P2, 31) * P3;
    return Long.rotateLeft(h ^ w, 27) * P1 + P4;
  }

  private static long avalanche(long h) {
    h = (h ^ (h >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return h ^ (h >>> 31);
  }
}
