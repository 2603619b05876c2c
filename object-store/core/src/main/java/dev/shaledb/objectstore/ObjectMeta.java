package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What the store knows about an object.
 *
 * <p>{@code lastModified} may be {@link #UNKNOWN_TIME} in what {@link ObjectStore#head}, {@link
 * ObjectStore#get} and {@link ObjectStore#list} report, never in what a put returns. It is an
 * instant far in the future, so code comparing ages must test for it rather than compute with it
 * ({@code UNKNOWN_TIME.plus(...)} overflows).
 *
 * @param key the object's key
 * @param size its length in bytes
 * @param version an opaque tag of the object's current content, the token for {@link
 *     PutCondition#ifMatch(String)}. It changes whenever the content changes; on S3 it is the ETag,
 *     derived from the content, so rewriting identical bytes may keep it (compare-and-swap users
 *     must not rely on identical rewrites changing it)
 * @param lastModified when the store applied the put, by the store's clock (not the caller's), or
 *     {@link #UNKNOWN_TIME}
 */
public record ObjectMeta(String key, long size, String version, Instant lastModified) {
  /**
   * The store did not say when the object was written. Consumers comparing ages must treat it as
   * "written just now", never as old: an object of unknown age must not look old enough to delete.
   * It is {@link Instant#MAX}, so it sorts after every real time.
   */
  public static final Instant UNKNOWN_TIME = Instant.MAX;

  public ObjectMeta {
    requireNonNull(key, "key is null");
    requireNonNull(version, "version is null");
    requireNonNull(lastModified, "lastModified is null");
    if (size < 0) {
      throw new IllegalArgumentException("size is negative: " + size);
    }
  }
}
