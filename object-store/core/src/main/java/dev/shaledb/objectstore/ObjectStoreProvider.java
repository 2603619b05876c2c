package dev.shaledb.objectstore;

import java.net.URI;
import java.util.Set;

/**
 * Opens the stores of one or more URI schemes for {@link ObjectStores#open(String)}, which finds
 * providers with {@link java.util.ServiceLoader}. A store whose client is heavy lives in a module
 * of its own with a provider, so that modules which only read tables or the WAL, and users of
 * {@code memory:} and {@code file:}, do not carry that client: the S3 store is such a module
 * ({@code dev.shaledb:shaledb-object-store-s3}). {@code memory:} and {@code file:} are built in and
 * cannot be provided.
 *
 * <p>An implementation is a public class with a public no-argument constructor, listed in {@code
 * META-INF/services/dev.shaledb.objectstore.ObjectStoreProvider} of its jar. At most one provider
 * on the classpath may claim a scheme.
 */
public interface ObjectStoreProvider {
  /** The URI schemes this provider opens, e.g. {@code s3}; compared exactly, like the URI's. */
  Set<String> schemes();

  /**
   * Opens the store {@code uri} names; its scheme is one of {@link #schemes()}, and its {@code
   * toString()} is the text the caller passed. A malformed URI or an unknown or bad parameter fails
   * with {@link IllegalArgumentException} naming the problem and the URI as {@link
   * ObjectStores#redact(String)} prints it: no message, log line or {@code toString()} of a store
   * shows a secret the URI carries.
   */
  ObjectStore open(URI uri);
}
