package dev.shaledb.cache;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Admits a range into the disk cache on its second miss: a fixed table of fingerprints (the
 * "doorkeeper" of TinyLFU) remembers ranges missed once, so a scan that reads each block once
 * admits nothing and cannot flush the ranges that are read again. Older fingerprints are
 * overwritten by newer ones that land on their slot, which only delays an admission. Lock-free;
 * concurrent updates of one slot may lose a fingerprint, which is as harmless.
 */
final class Admission {
  private final AtomicLongArray seen;
  private final int mask;

  /** A doorkeeper of {@code slots} fingerprints, rounded up to a power of two. */
  Admission(int slots) {
    int n = Integer.highestOneBit(Math.max(2, slots - 1)) << 1;
    this.seen = new AtomicLongArray(n);
    this.mask = n - 1;
  }

  /** True if the range of {@code hash} was missed before (and forgets it); else remembers it. */
  boolean admit(long hash) {
    long fingerprint = hash == 0 ? 1 : hash;
    int slot = (int) (mix(fingerprint) & mask);
    if (seen.get(slot) == fingerprint) {
      seen.set(slot, 0);
      return true;
    }
    seen.set(slot, fingerprint);
    return false;
  }

  static long hash(String objectKey, long offset, int length) {
    long h = objectKey.hashCode() * 0x9E3779B97F4A7C15L;
    h ^= offset * 0xC2B2AE3D27D4EB4FL;
    h ^= length * 0x165667B19E3779F9L;
    return mix(h);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb93fe1e2e0f9L;
    return z ^ (z >>> 33);
  }
}
