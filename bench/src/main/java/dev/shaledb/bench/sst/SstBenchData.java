package dev.shaledb.bench.sst;

import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.SstBuilder;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstOptions;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * The db_bench-style data set of the SST benchmarks: 16-byte keys (the decimal digits of an even
 * number, so odd numbers are misses inside the key range) and 100-byte values that compress to
 * about half, 64 MiB of raw key and value bytes per table.
 */
final class SstBenchData {
  static final int KEY_LENGTH = 16;
  static final int VALUE_LENGTH = 100;
  static final int ENTRY_BYTES = KEY_LENGTH + VALUE_LENGTH;
  static final long TABLE_BYTES = 64L << 20;
  static final int ENTRIES = (int) (TABLE_BYTES / ENTRY_BYTES);

  private static final int DISTINCT_VALUES = 4096;
  private static final byte[][] VALUES = values(new SplittableRandom(42));

  private SstBenchData() {}

  /** Writes the key of entry {@code i} (or of the miss just after it) into {@code key}. */
  static void key(long i, boolean miss, byte[] key) {
    long n = 2 * i + (miss ? 1 : 0);
    for (int p = KEY_LENGTH - 1; p >= 0; p--) {
      key[p] = (byte) ('0' + n % 10);
      n /= 10;
    }
  }

  static byte[] key(long i, boolean miss) {
    byte[] key = new byte[KEY_LENGTH];
    key(i, miss, key);
    return key;
  }

  static byte[] value(long i) {
    return VALUES[(int) (i % DISTINCT_VALUES)];
  }

  /** Builds the whole 64 MiB table in memory. */
  static ByteBuffer buildTable(SstOptions options) {
    try (SstBuilder builder = SstBuilder.inMemory(options, "table-1")) {
      byte[] key = new byte[KEY_LENGTH];
      for (int i = 0; i < ENTRIES; i++) {
        key(i, false, key);
        builder.add(key, i + 1L, EntryKind.PUT, value(i), SstEntry.NO_EXPIRY);
      }
      builder.finish();
      return builder.bytes();
    }
  }

  static byte[] toArray(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  /** Half random bytes, half repeats: roughly 2:1 compressible, like db_bench's values. */
  private static byte[][] values(SplittableRandom random) {
    byte[][] values = new byte[DISTINCT_VALUES][VALUE_LENGTH];
    for (byte[] v : values) {
      for (int i = 0; i < VALUE_LENGTH / 2; i++) {
        v[i] = (byte) (' ' + random.nextInt(95));
      }
      System.arraycopy(v, 0, v, VALUE_LENGTH / 2, VALUE_LENGTH / 2);
    }
    return values;
  }
}
