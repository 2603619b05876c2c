package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

/**
 * The compression of a table's data blocks: a codec and, for Zstandard, a level. A block that does
 * not shrink is stored uncompressed whatever the codec.
 *
 * @param codec the codec
 * @param level the Zstandard level, 1 (fastest) to 22 (smallest); 0 for the other codecs
 */
public record Compression(CompressionCodec codec, int level) {
  /** Zstandard's own default level. */
  public static final int DEFAULT_ZSTD_LEVEL = 3;

  public Compression {
    requireNonNull(codec, "codec is null");
    if (codec == CompressionCodec.ZSTD) {
      if (level < 1 || level > 22) {
        throw new IllegalArgumentException("zstd level must be in [1, 22]: " + level);
      }
    } else if (level != 0) {
      throw new IllegalArgumentException(codec + " takes no level, got " + level);
    }
  }

  /** No compression. */
  public static Compression none() {
    return new Compression(CompressionCodec.NONE, 0);
  }

  /** LZ4, fast compressor. */
  public static Compression lz4() {
    return new Compression(CompressionCodec.LZ4, 0);
  }

  /** Zstandard at level {@value #DEFAULT_ZSTD_LEVEL}. */
  public static Compression zstd() {
    return zstd(DEFAULT_ZSTD_LEVEL);
  }

  /** Zstandard at {@code level} (1 to 22). */
  public static Compression zstd(int level) {
    return new Compression(CompressionCodec.ZSTD, level);
  }
}
