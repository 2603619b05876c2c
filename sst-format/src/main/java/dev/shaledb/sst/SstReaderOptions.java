package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

/**
 * How {@link SstReader#open} reads a table.
 *
 * @param tailReadSize the length of the suffix read that opens a table. If the table's tail (index,
 *     filter, metadata, footer) is longer, one more read fetches the rest; {@link
 *     SstInfo#tailLength()} is the exact size that makes one read enough (64 bytes to 1 GiB;
 *     default 64 KiB)
 * @param blockCache where decoded data blocks come from (default: no cache)
 */
public record SstReaderOptions(int tailReadSize, BlockCache blockCache) {
  public static final int DEFAULT_TAIL_READ_SIZE = 64 * 1024;
  public static final int MIN_TAIL_READ_SIZE = 64;

  public SstReaderOptions {
    if (tailReadSize < MIN_TAIL_READ_SIZE || tailReadSize > (1 << 30)) {
      throw new IllegalArgumentException(
          "tailReadSize must be in [" + MIN_TAIL_READ_SIZE + ", 2^30]: " + tailReadSize);
    }
    requireNonNull(blockCache, "blockCache is null");
  }

  public static SstReaderOptions defaults() {
    return new SstReaderOptions(DEFAULT_TAIL_READ_SIZE, BlockCache.none());
  }

  public SstReaderOptions withTailReadSize(int tailReadSize) {
    return new SstReaderOptions(tailReadSize, blockCache);
  }

  public SstReaderOptions withBlockCache(BlockCache blockCache) {
    return new SstReaderOptions(tailReadSize, blockCache);
  }
}
