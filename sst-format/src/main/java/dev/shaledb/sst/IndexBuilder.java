package dev.shaledb.sst;

import java.util.Arrays;

/**
 * Encodes the index block: one entry per data block (separator, offset, stored length), then the
 * start of every entry as u32 and the entry count, so the block can be binary-searched as stored.
 */
final class IndexBuilder {
  private final LittleEndianSink buf = new LittleEndianSink(4096);
  private int[] starts = new int[64];
  private int count;

  void add(byte[] separator, BlockHandle handle) {
    if (count == starts.length) {
      starts = Arrays.copyOf(starts, count * 2);
    }
    starts[count++] = buf.size();
    buf.writeVarint(separator.length);
    buf.write(separator);
    buf.writeVarint(handle.offset());
    buf.writeVarint(handle.length());
  }

  int count() {
    return count;
  }

  LittleEndianSink finish() {
    buf.ensure(4 * count + 4);
    for (int i = 0; i < count; i++) {
      buf.writeIntLE(starts[i]);
    }
    buf.writeIntLE(count);
    return buf;
  }
}
