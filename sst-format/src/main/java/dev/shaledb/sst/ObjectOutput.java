package dev.shaledb.sst;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Where a builder's bytes go: a caller's stream or an in-memory buffer. Tracks the position and the
 * CRC32C of everything written so far.
 */
final class ObjectOutput {
  private final OutputStream stream;
  private final LittleEndianSink buffer;
  private final CRC32C crc = new CRC32C();
  private long position;

  private ObjectOutput(OutputStream stream, LittleEndianSink buffer) {
    this.stream = stream;
    this.buffer = buffer;
  }

  static ObjectOutput toStream(OutputStream stream) {
    return new ObjectOutput(stream, null);
  }

  static ObjectOutput inMemory() {
    return new ObjectOutput(null, new LittleEndianSink(64 * 1024));
  }

  boolean isInMemory() {
    return buffer != null;
  }

  long position() {
    return position;
  }

  /** CRC32C of all bytes written so far. */
  int crc() {
    return (int) crc.getValue();
  }

  void write(byte[] b, int off, int len) {
    crc.update(b, off, len);
    position += len;
    if (buffer != null) {
      buffer.write(b, off, len);
      return;
    }
    try {
      stream.write(b, off, len);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the table failed", e);
    }
  }

  void flush() {
    if (stream == null) {
      return;
    }
    try {
      stream.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("flushing the table failed", e);
    }
  }

  /** The buffered bytes, without copying; only for in-memory outputs. */
  ByteBuffer buffered() {
    return ByteBuffer.wrap(buffer.array(), 0, buffer.size()).slice().asReadOnlyBuffer();
  }
}
