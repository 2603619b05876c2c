package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Where a table's parts lie (layout in docs/formats/sst.md) and what its index and filter hold, as
 * {@link SstReader#layout()} reads them from the resident tail; for inspection tools such as {@code
 * shaledb sst-dump}. Offsets are from the start of the object.
 *
 * @param formatVersion the footer's format version
 * @param objectLength the object's length as the footer records it
 * @param indexOffset where the index block starts (the data blocks end there)
 * @param indexLength the index block's length
 * @param filterLength the filter block's length (0: no filter)
 * @param filterBits the bloom filter's bits (0: no filter)
 * @param filterProbes the bloom filter's probes per key (0: no filter)
 * @param rangeTombstoneLength the range tombstone block's length (0 before format version 3)
 * @param metaLength the metadata block's length
 * @param blocks every data block, in key order
 */
public record SstLayout(
    int formatVersion,
    long objectLength,
    long indexOffset,
    int indexLength,
    int filterLength,
    long filterBits,
    int filterProbes,
    int rangeTombstoneLength,
    int metaLength,
    List<Block> blocks) {
  public SstLayout {
    blocks = List.copyOf(requireNonNull(blocks, "blocks is null"));
  }

  /**
   * One data block as the index lists it: its offset, stored length (trailer included) and
   * separator (every key of the block sorts at or before it, every key of later blocks at or
   * after).
   */
  public record Block(long offset, int storedLength, byte[] separator) {
    public Block {
      requireNonNull(separator, "separator is null");
    }
  }
}
