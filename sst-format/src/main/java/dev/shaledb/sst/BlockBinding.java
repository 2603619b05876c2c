package dev.shaledb.sst;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * What a block's checksum covers besides the block's own bytes. In format 1, nothing: a block that
 * another table holds intact at the same offset, or this table at another offset, passes its
 * checksum when a read returns it instead of the right one (a misdirected read, a cache keyed
 * wrongly), and its entries, which are valid, would be served as this table's. In format 2 the
 * checksum also covers the table's tag (a hash of the table id the engine gave the builder) and the
 * block's offset, so such a block fails its checksum like any other damage.
 */
final class BlockBinding {
  static final BlockBinding NONE = new BlockBinding(false, 0);

  private final boolean bound;
  private final long tableTag;

  private BlockBinding(boolean bound, long tableTag) {
    this.bound = bound;
    this.tableTag = tableTag;
  }

  static BlockBinding of(long tableTag) {
    return new BlockBinding(true, tableTag);
  }

  /** The tag of the table named {@code tableId}. */
  static long tag(String tableId) {
    return KeyHash.hash64(tableId.getBytes(StandardCharsets.UTF_8));
  }

  /** Adds the binding of the block at {@code blockOffset} to a block checksum. */
  void update(CRC32C crc, long blockOffset) {
    if (!bound) {
      return;
    }
    byte[] b = new byte[16];
    Bytes.putLongLE(b, 0, tableTag);
    Bytes.putLongLE(b, 8, blockOffset);
    crc.update(b, 0, b.length);
  }
}
