package dev.shaledb.bench.sst;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.shaledb.sst.BlockCache;
import dev.shaledb.sst.DecodedBlock;
import java.util.function.Supplier;

/** The block cache the engine is expected to use: Caffeine, weighed by decoded size. */
final class CaffeineBlockCache implements BlockCache {
  private record Key(String objectKey, long blockOffset) {}

  private final Cache<Key, DecodedBlock> cache;

  CaffeineBlockCache(long maxBytes) {
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((Key k, DecodedBlock b) -> b.weight())
            .build();
  }

  @Override
  public DecodedBlock get(String objectKey, long blockOffset, Supplier<DecodedBlock> loader) {
    return cache.get(new Key(objectKey, blockOffset), k -> loader.get());
  }
}
