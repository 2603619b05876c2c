package dev.shaledb.sst;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * Compresses blocks for one builder. Holds a reusable Zstandard context (native memory): {@link
 * #close()} releases it.
 */
final class BlockCompressor implements AutoCloseable {
  private final Compression compression;
  private final LZ4Compressor lz4;
  private ZstdCompressCtx zstd;
  private byte[] scratch = new byte[0];

  BlockCompressor(Compression compression) {
    this.compression = compression;
    this.lz4 =
        compression.codec() == CompressionCodec.LZ4
            ? LZ4Factory.fastestInstance().fastCompressor()
            : null;
    if (compression.codec() == CompressionCodec.ZSTD) {
      zstd = new ZstdCompressCtx();
      zstd.setLevel(compression.level());
    }
  }

  CompressionCodec codec() {
    return compression.codec();
  }

  /** Compresses {@code raw[0, len)} into {@link #scratch()}; returns the compressed length. */
  int compress(byte[] raw, int len) {
    switch (compression.codec()) {
      case LZ4:
        ensureScratch(lz4.maxCompressedLength(len));
        return lz4.compress(raw, 0, len, scratch, 0, scratch.length);
      case ZSTD:
        if (zstd == null) {
          throw new IllegalStateException("compressor is closed");
        }
        ensureScratch((int) Math.min(Integer.MAX_VALUE - 8, Zstd.compressBound(len)));
        return zstd.compressByteArray(scratch, 0, scratch.length, raw, 0, len);
      default:
        throw new IllegalStateException("no compression configured");
    }
  }

  byte[] scratch() {
    return scratch;
  }

  private void ensureScratch(int size) {
    if (scratch.length < size) {
      scratch = new byte[size];
    }
  }

  @Override
  public void close() {
    if (zstd != null) {
      zstd.close();
      zstd = null;
    }
  }
}
