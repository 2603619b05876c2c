package dev.shaledb.table;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.shaledb.sst.BlockCache;
import dev.shaledb.sst.DecodedBlock;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The engine's block cache: Caffeine (W-TinyLFU, so one big scan does not flush the hot set),
 * bounded by the decoded size of its blocks. Thread-safe; concurrent misses on one block load it
 * once.
 */
public final class CaffeineBlockCache implements BlockCache {
  private record Key(String objectKey, long blockOffset) {}

  private final Cache<Key, DecodedBlock> cache;
  private final long maxBytes;

  /** A cache holding at most {@code maxBytes} of decoded blocks. */
  public CaffeineBlockCache(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes is not positive: " + maxBytes);
    }
    this.maxBytes = maxBytes;
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

  @Override
  public DecodedBlock getIfPresent(String objectKey, long blockOffset) {
    // Through the map view, which records no hit or miss: the get that follows counts the access.
    return cache.asMap().get(new Key(objectKey, blockOffset));
  }

  /**
   * A view that adds blocks without counting hits or misses, for filling the cache with tables this
   * process just wrote.
   */
  public BlockCache filler() {
    // putIfAbsent, unlike computeIfAbsent, records no hit or miss.
    return (objectKey, blockOffset, loader) -> {
      DecodedBlock block = loader.get();
      DecodedBlock present = cache.asMap().putIfAbsent(new Key(objectKey, blockOffset), block);
      return present == null ? block : present;
    };
  }

  /** The capacity in bytes. */
  public long maxBytes() {
    return maxBytes;
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
    invalidateTables(Set.of(objectKey));
  }

  /**
   * Drops every block of the tables {@code objectKeys}, in one pass over the cache: blocks of
   * tables a compaction replaced would otherwise keep the frequency that makes the cache's
   * admission policy turn away the blocks of their replacements.
   */
  public void invalidateTables(Set<String> objectKeys) {
    if (!objectKeys.isEmpty()) {
      cache.asMap().keySet().removeIf(k -> objectKeys.contains(k.objectKey()));
    }
  }

  private CacheStats stats() {
    return cache.stats();
  }
}
