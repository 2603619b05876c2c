package dev.shaledb.sst;

import java.util.function.Supplier;

/**
 * Where {@link SstReader} gets decoded data blocks: the seam for the engine's block cache. A block
 * is identified by its table's object key and its offset in the table; tables are immutable, so an
 * entry never goes stale.
 *
 * <p>Implementations must be thread-safe. {@code loader} fetches, verifies and decodes the block;
 * it may throw (for example {@link dev.shaledb.error.CorruptObjectException}), in which case
 * nothing must be cached. A Caffeine cache fits directly: {@code cache.get(new Key(objectKey,
 * offset), k -> loader.get())} with {@link DecodedBlock#weight()} as the weigher.
 */
@FunctionalInterface
public interface BlockCache {

  /** Returns the block at {@code blockOffset} of {@code objectKey}, loading it on a miss. */
  DecodedBlock get(String objectKey, long blockOffset, Supplier<DecodedBlock> loader);

  /**
   * The cached block, or null; counts neither a hit nor a miss (the {@link #get} that follows
   * does). A multi-key read asks first, so it fetches only the blocks the cache lacks.
   */
  default DecodedBlock getIfPresent(String objectKey, long blockOffset) {
    return null;
  }

  /** No caching: every access loads the block. */
  static BlockCache none() {
    return (objectKey, blockOffset, loader) -> loader.get();
  }
}
