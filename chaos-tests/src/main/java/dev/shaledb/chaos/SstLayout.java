package dev.shaledb.chaos;

import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.sst.RangeReader;
import dev.shaledb.sst.SstReader;
import dev.shaledb.sst.SstReaderOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a table's bytes lie, learnt from the undamaged object through the public reader: its data
 * blocks (each one a read of {@link SstReader#loadAllBlocks()}) and where its tail (index, filter,
 * metadata, footer) starts. The audit needs it to tell which damaged bytes a read of the engine
 * decodes.
 *
 * @param dataEnd the first offset past the data blocks: the tail starts here
 * @param blockStarts the data blocks' offsets, ascending
 * @param blockLengths their stored lengths
 */
record SstLayout(long dataEnd, long[] blockStarts, int[] blockLengths) {

  /** The layout of table {@code key} as {@code store} holds it, or null if it cannot be read. */
  static SstLayout read(ObjectStore store, String key) {
    try {
      byte[] object = Futures.join(store.get(key)).data();
      RangeReader whole = RangeReader.of(object);
      List<long[]> blocks = new ArrayList<>();
      RangeReader recording =
          new RangeReader() {
            @Override
            public byte[] read(long offset, int length) {
              blocks.add(new long[] {offset, length});
              return whole.read(offset, length);
            }

            @Override
            public Tail readTail(int length) {
              return whole.readTail(length);
            }
          };
      // A tail read of the whole object, so every later read is a data block.
      SstReaderOptions options = SstReaderOptions.defaults().withTailReadSize(object.length);
      SstReader reader = SstReader.open(key, recording, options);
      reader.loadAllBlocks();
      long[] starts = new long[blocks.size()];
      int[] lengths = new int[blocks.size()];
      for (int i = 0; i < starts.length; i++) {
        starts[i] = blocks.get(i)[0];
        lengths[i] = (int) blocks.get(i)[1];
      }
      return new SstLayout(object.length - reader.tailLength(), starts, lengths);
    } catch (RuntimeException gone) {
      return null; // deleted meanwhile (GC), or not a table: the audit then claims nothing
    }
  }

  /** The end of the data block starting exactly at {@code offset}, or -1 if none starts there. */
  long blockEndAt(long offset) {
    int i = java.util.Arrays.binarySearch(blockStarts, offset);
    return i < 0 ? -1 : offset + blockLengths[i];
  }
}
