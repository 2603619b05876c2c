package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

/**
 * How {@link SstBuilder} lays out a table. Readers need none of this: every table describes itself.
 *
 * <p>Part of ShaleDB's public API, through {@code DbOptions.tableOptions}: kept source-compatible
 * across minor releases like the types of {@code dev.shaledb}. The rest of this package is not API.
 *
 * @param blockSize target uncompressed size of a data block in bytes; a block is closed as soon as
 *     it reaches this size, so it may exceed it by one entry (1 byte to 64 MiB; default 4 KiB)
 * @param restartInterval entries between full-key restart points inside a block (1 to 65,535;
 *     default 16)
 * @param bloomBitsPerKey bloom filter bits per distinct key, 0 for no filter (0 to 64; default 10)
 * @param bloomMinKeys tables with fewer distinct keys get no filter (default 1,000)
 * @param compression the data block compression (default none)
 */
public record SstOptions(
    int blockSize,
    int restartInterval,
    int bloomBitsPerKey,
    long bloomMinKeys,
    Compression compression) {
  public static final int DEFAULT_BLOCK_SIZE = 4096;
  public static final int DEFAULT_RESTART_INTERVAL = 16;
  public static final int DEFAULT_BLOOM_BITS_PER_KEY = 10;
  public static final long DEFAULT_BLOOM_MIN_KEYS = 1000;
  public static final int MAX_BLOCK_SIZE = 64 << 20;

  public SstOptions {
    if (blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
      throw new IllegalArgumentException(
          "blockSize must be in [1, " + MAX_BLOCK_SIZE + "]: " + blockSize);
    }
    if (restartInterval < 1 || restartInterval > 65_535) {
      throw new IllegalArgumentException(
          "restartInterval must be in [1, 65535]: " + restartInterval);
    }
    if (bloomBitsPerKey < 0 || bloomBitsPerKey > 64) {
      throw new IllegalArgumentException("bloomBitsPerKey must be in [0, 64]: " + bloomBitsPerKey);
    }
    if (bloomMinKeys < 0) {
      throw new IllegalArgumentException("bloomMinKeys is negative: " + bloomMinKeys);
    }
    requireNonNull(compression, "compression is null");
  }

  /** 4 KiB blocks, a restart every 16 entries, 10 bloom bits per key from 1,000 keys, no codec. */
  public static SstOptions defaults() {
    return new SstOptions(
        DEFAULT_BLOCK_SIZE,
        DEFAULT_RESTART_INTERVAL,
        DEFAULT_BLOOM_BITS_PER_KEY,
        DEFAULT_BLOOM_MIN_KEYS,
        Compression.none());
  }

  public SstOptions withBlockSize(int blockSize) {
    return new SstOptions(blockSize, restartInterval, bloomBitsPerKey, bloomMinKeys, compression);
  }

  public SstOptions withRestartInterval(int restartInterval) {
    return new SstOptions(blockSize, restartInterval, bloomBitsPerKey, bloomMinKeys, compression);
  }

  public SstOptions withBloomBitsPerKey(int bloomBitsPerKey) {
    return new SstOptions(blockSize, restartInterval, bloomBitsPerKey, bloomMinKeys, compression);
  }

  public SstOptions withBloomMinKeys(long bloomMinKeys) {
    return new SstOptions(blockSize, restartInterval, bloomBitsPerKey, bloomMinKeys, compression);
  }

  public SstOptions withCompression(Compression compression) {
    return new SstOptions(blockSize, restartInterval, bloomBitsPerKey, bloomMinKeys, compression);
  }
}
