package dev.shaledb.sst;

/** Seals raw blocks (compressing them when that shrinks them) and appends them to the output. */
final class BlockWriter implements AutoCloseable {
  private final ObjectOutput out;
  private final BlockCompressor compressor;
  private final byte[] trailer = new byte[BlockEnvelope.TRAILER_SIZE];
  private final BlockBinding binding;
  private long rawDataBytes;
  private long storedDataBytes;

  BlockWriter(ObjectOutput out, Compression compression, BlockBinding binding) {
    this.out = out;
    this.binding = binding;
    this.compressor =
        compression.codec() == CompressionCodec.NONE ? null : new BlockCompressor(compression);
  }

  /** Writes a data block, compressed if the table has a codec and the block shrinks. */
  BlockHandle writeData(byte[] raw, int rawLen) {
    BlockHandle handle;
    int compressedLen = compressor == null ? rawLen : compressor.compress(raw, rawLen);
    if (compressedLen < rawLen) {
      handle = write(compressor.scratch(), compressedLen, rawLen, compressor.codec());
    } else {
      handle = write(raw, rawLen, rawLen, CompressionCodec.NONE);
    }
    rawDataBytes += rawLen;
    storedDataBytes += handle.length();
    return handle;
  }

  /** Writes an index, filter or metadata block; these are never compressed. */
  BlockHandle writeMeta(byte[] raw, int rawLen) {
    return write(raw, rawLen, rawLen, CompressionCodec.NONE);
  }

  long rawDataBytes() {
    return rawDataBytes;
  }

  long storedDataBytes() {
    return storedDataBytes;
  }

  private BlockHandle write(byte[] payload, int len, int rawLen, CompressionCodec codec) {
    long offset = out.position();
    int crc = BlockEnvelope.trailerCrc(payload, len, rawLen, codec, trailer, binding, offset);
    Bytes.putIntLE(trailer, 5, crc);
    out.write(payload, 0, len);
    out.write(trailer, 0, trailer.length);
    return new BlockHandle(offset, len + trailer.length);
  }

  @Override
  public void close() {
    if (compressor != null) {
      compressor.close();
    }
  }
}
