package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What the store knows about an object.
 *
 * @param key the object's key
 * @param size its length in bytes
 * @param version an opaque tag of the object's current content, the token for {@link
 *     PutCondition#ifMatch(String)}. It changes whenever the content changes; on S3 it is the ETag,
 *     derived from the content, so rewriting identical bytes may keep it (compare-and-swap users
 *     must not rely on identical rewrites changing it)
 * @param lastModified when the store applied the put, by the store's clock (not the caller's)
 */
public record ObjectMeta(String key, long size, String version, Instant lastModified) {
  public ObjectMeta {
    requireNonNull(key, "key is null");
    requireNonNull(version, "version is null");
    requireNonNull(lastModified, "lastModified is null");
    if (size < 0) {
      throw new IllegalArgumentException("size is negative: " + size);
    }
  }
}
