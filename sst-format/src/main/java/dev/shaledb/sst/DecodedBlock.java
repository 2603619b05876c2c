package dev.shaledb.sst;

import dev.shaledb.error.CorruptObjectException;

/**
 * A data block that was fetched, checksum-verified, uncompressed and structurally validated: what a
 * {@link BlockCache} holds. Immutable and safe to share between threads; its contents are only
 * reachable through {@link SstReader}.
 */
public final class DecodedBlock {
  private static final int OBJECT_OVERHEAD = 64;

  final String objectKey;
  final long blockOffset;
  final byte[] data;

  /** Where the entries end and the restart array begins. */
  final int entriesEnd;

  final int restartCount;

  private DecodedBlock(
      String objectKey, long blockOffset, byte[] data, int entriesEnd, int restartCount) {
    this.objectKey = objectKey;
    this.blockOffset = blockOffset;
    this.data = data;
    this.entriesEnd = entriesEnd;
    this.restartCount = restartCount;
  }

  /** Approximate heap bytes held, for a cache's weigher. */
  public int weight() {
    return data.length + OBJECT_OVERHEAD;
  }

  int restartOffset(int i) {
    return Bytes.getIntLE(data, entriesEnd + 4 * i);
  }

  /**
   * Validates the raw block {@code data[0, length)} and wraps it. Every entry must parse, keys must
   * be in table order, every restart point must start an entry with a full key, the first key must
   * not sort before {@code lowerBound} and the last must not sort after {@code upperBound} (the
   * index separators around the block; null for none).
   */
  static DecodedBlock decode(
      String objectKey,
      long blockOffset,
      byte[] data,
      int length,
      byte[] lowerBound,
      byte[] upperBound) {
    if (length < 4) {
      throw corrupt(objectKey, blockOffset, "data block of " + length + " bytes has no restarts");
    }
    long restarts = Bytes.getUnsignedIntLE(data, length - 4);
    if (restarts < 1 || restarts > (length - 4) / 4) {
      throw corrupt(objectKey, blockOffset, "implausible restart count " + restarts);
    }
    int restartsStart = length - 4 - 4 * (int) restarts;
    if (restartsStart == 0) {
      throw corrupt(objectKey, blockOffset, "data block has no entries");
    }
    DecodedBlock block =
        new DecodedBlock(objectKey, blockOffset, data, restartsStart, (int) restarts);
    new BlockCursor().validate(block, lowerBound, upperBound);
    return block;
  }

  static CorruptObjectException corrupt(String objectKey, long blockOffset, String problem) {
    return new CorruptObjectException(objectKey, blockOffset, problem);
  }
}
