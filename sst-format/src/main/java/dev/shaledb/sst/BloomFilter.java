package dev.shaledb.sst;

/**
 * A classic bloom filter over user keys with double hashing: probe {@code i} tests bit {@code
 * reduce(h1 + i * h2)} where {@code h1} and {@code h2} are the low and high halves of {@link
 * KeyHash#hash64} and {@code reduce} maps a 32-bit value onto {@code [0, numBits)} by
 * multiply-shift (no division on the lookup path).
 *
 * <p>Stored payload (filter type 1): u8 type, u8 probes, u32 numBits (a multiple of 8), then {@code
 * numBits / 8} bytes; bit {@code b} is bit {@code b & 7} of byte {@code b >>> 3}.
 */
final class BloomFilter {
  static final int TYPE_BLOOM_V1 = 1;
  static final int HEADER_SIZE = 6;
  static final int MAX_PROBES = 30;
  private static final long MAX_BITS = 0xFFFF_FFF8L;

  private final byte[] data;
  private final int bitsOffset;
  private final long numBits;
  private final int probes;

  private BloomFilter(byte[] data, int bitsOffset, long numBits, int probes) {
    this.data = data;
    this.bitsOffset = bitsOffset;
    this.numBits = numBits;
    this.probes = probes;
  }

  /** The probe count that minimises the false-positive rate: bits per key times ln 2. */
  static int optimalProbes(int bitsPerKey) {
    int k = (int) Math.round(bitsPerKey * Math.log(2));
    return Math.max(1, Math.min(MAX_PROBES, k));
  }

  /** Appends the payload of a filter over {@code count} key hashes to {@code out}. */
  static void write(long[] hashes, int count, int bitsPerKey, LittleEndianSink out) {
    long bits = Math.max(64, (long) count * bitsPerKey);
    bits = Math.min(MAX_BITS, (bits + 7) & ~7L);
    int probes = optimalProbes(bitsPerKey);
    int bytes = (int) (bits >>> 3);
    out.ensure(HEADER_SIZE + bytes);
    out.writeByte(TYPE_BLOOM_V1);
    out.writeByte(probes);
    out.writeIntLE((int) bits);
    int start = out.size();
    out.write(new byte[bytes]);
    byte[] target = out.array();
    for (int i = 0; i < count; i++) {
      long h = hashes[i];
      int h1 = (int) h;
      int h2 = (int) (h >>> 32);
      for (int p = 0; p < probes; p++) {
        long bit = ((h1 & 0xFFFF_FFFFL) * bits) >>> 32;
        target[start + (int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
        h1 += h2;
      }
    }
  }

  /** Reads a filter payload; the array is kept, not copied. */
  static BloomFilter read(LittleEndianReader in, byte[] data, int limit) {
    int type = in.u8();
    if (type != TYPE_BLOOM_V1) {
      throw in.corrupt("unknown filter type " + type);
    }
    int probes = in.u8();
    if (probes < 1 || probes > MAX_PROBES) {
      throw in.corrupt("bloom probe count " + probes + " outside [1, " + MAX_PROBES + "]");
    }
    long bits = in.intLE() & 0xFFFF_FFFFL;
    if (bits < 64 || (bits & 7) != 0) {
      throw in.corrupt("bloom size of " + bits + " bits is not a multiple of 8 of at least 64");
    }
    int offset = in.position();
    if (limit - offset != bits >>> 3) {
      throw in.corrupt(
          "bloom of " + bits + " bits needs " + (bits >>> 3) + " bytes, has " + (limit - offset));
    }
    return new BloomFilter(data, offset, bits, probes);
  }

  boolean mayContain(long hash) {
    int h1 = (int) hash;
    int h2 = (int) (hash >>> 32);
    for (int p = 0; p < probes; p++) {
      long bit = ((h1 & 0xFFFF_FFFFL) * numBits) >>> 32;
      if ((data[bitsOffset + (int) (bit >>> 3)] & (1 << (bit & 7))) == 0) {
        return false;
      }
      h1 += h2;
    }
    return true;
  }

  int probes() {
    return probes;
  }

  long numBits() {
    return numBits;
  }
}
