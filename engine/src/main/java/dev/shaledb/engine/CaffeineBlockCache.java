package dev.shaledb.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.shaledb.sst.BlockCache;
import dev.shaledb.sst.DecodedBlock;
import java.util.function.Supplier;

/**
 * The engine's block cache: Caffeine (W-TinyLFU, so one big scan does not flush the hot set),
 * bounded by the decoded size of its blocks. Thread-safe; concurrent misses on one block load it
 * once.
 */
public final class CaffeineBlockCache implements BlockCache {
  private record Key(String objectKey, long blockOffset) {}

  private final Cache<Key, DecodedBlock> cache;

  /** A cache holding at most {@code maxBytes} of decoded blocks. */
  public CaffeineBlockCache(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes is not positive: " + maxBytes);
    }
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((Key k, DecodedBlock b) -> b.weight())
            .recordStats()
            .build();
  }

  @Override
  public DecodedBlock get(String objectKey, long blockOffset, Supplier<DecodedBlock> loader) {
    return cache.get(new Key(objectKey, blockOffset), k -> loader.get());
  }

  /** Hits since creation. */
  public long hits() {
    return stats().hitCount();
  }

  /** Misses (block loads) since creation. */
  public long misses() {
    return stats().missCount();
  }

  /** The decoded bytes currently held. */
  public long weightedBytes() {
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }

  /** Drops every block of {@code objectKey}'s table, e.g. after the table was deleted. */
  public void invalidateTable(String objectKey) {
    cache.asMap().keySet().removeIf(k -> k.objectKey().equals(objectKey));
  }

  private CacheStats stats() {
    return cache.stats();
  }
}
