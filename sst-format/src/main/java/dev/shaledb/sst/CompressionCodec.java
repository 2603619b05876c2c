package dev.shaledb.sst;

/** How the data blocks of a table are compressed. The ids are persistent. */
public enum CompressionCodec {
  /** Blocks are stored as they are. */
  NONE(0),
  /** LZ4 block format, fast compressor. */
  LZ4(1),
  /** Zstandard frame format at a configurable level. */
  ZSTD(2);

  private static final CompressionCodec[] BY_ID = {NONE, LZ4, ZSTD};

  private final int id;

  CompressionCodec(int id) {
    this.id = id;
  }

  /** The codec's persistent id (see docs/formats/sst.md). */
  int id() {
    return id;
  }

  /** The codec with {@code id}, or null if the id is unknown. */
  static CompressionCodec fromId(int id) {
    return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
  }
}
