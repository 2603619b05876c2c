package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Opens an {@link ObjectStore} from a URI:
 *
 * <ul>
 *   <li>{@code memory:} a new, empty {@link InMemoryObjectStore} (nothing survives the process);
 *   <li>{@code file:/path/to/dir} a {@link LocalFileObjectStore} in that directory, created if
 *       missing;
 *   <li>any other scheme: the store of the {@link ObjectStoreProvider} that claims it, found with
 *       {@link ServiceLoader} on this class's class loader. {@code s3://bucket[/prefix][?...]} is
 *       the S3 store of {@code dev.shaledb:shaledb-object-store-s3} (its {@code
 *       S3ObjectStoreProvider} lists the parameters); without that module on the classpath, such a
 *       URI fails with a message that names it.
 * </ul>
 *
 * A malformed URI, an unknown scheme, a scheme whose module is missing or an unknown parameter
 * fails with {@link IllegalArgumentException} naming the problem. Two providers claiming one scheme
 * fail with {@link IllegalStateException}.
 */
public final class ObjectStores {
  /** Schemes of ShaleDB's own store modules, with the artifact to add for each. */
  private static final Map<String, String> MODULES =
      Map.of("s3", "dev.shaledb:shaledb-object-store-s3");

  private ObjectStores() {}

  public static ObjectStore open(String uri) {
    requireNonNull(uri, "uri is null");
    if (uri.equals("memory:")) {
      return new InMemoryObjectStore();
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("malformed object store URI '" + uri + "': " + e, e);
    }
    String scheme = parsed.getScheme();
    if (scheme == null) {
      throw new IllegalArgumentException(
          "object store URI '" + uri + "' has no scheme; use memory:, file:/dir or s3://bucket");
    }
    if (scheme.equals("file")) {
      return openFile(uri, parsed);
    }
    // "memory" is built in too: "memory:" with anything after it is not a store.
    ObjectStoreProvider provider = scheme.equals("memory") ? null : provider(scheme);
    if (provider != null) {
      return provider.open(parsed);
    }
    String module = MODULES.get(scheme);
    if (module != null) {
      throw new IllegalArgumentException(
          "object store URI '"
              + uri
              + "' needs the "
              + scheme
              + " store, which is not on the classpath: add the dependency "
              + module
              + " (ObjectStores.open finds it through java.util.ServiceLoader)");
    }
    throw new IllegalArgumentException(
        "unknown object store scheme '"
            + scheme
            + "' in '"
            + uri
            + "'; use memory:, file:/dir or s3://bucket");
  }

  /** The one provider on the classpath that claims {@code scheme}, or null if none does. */
  private static ObjectStoreProvider provider(String scheme) {
    return provider(
        scheme, ServiceLoader.load(ObjectStoreProvider.class, ObjectStores.class.getClassLoader()));
  }

  /** The one of {@code providers} that claims {@code scheme}, or null if none does. */
  static ObjectStoreProvider provider(String scheme, Iterable<ObjectStoreProvider> providers) {
    ObjectStoreProvider found = null;
    for (ObjectStoreProvider candidate : providers) {
      if (!candidate.schemes().contains(scheme)) {
        continue;
      }
      if (found != null) {
        throw new IllegalStateException(
            "two object store providers claim the scheme '"
                + scheme
                + "': "
                + found.getClass().getName()
                + " and "
                + candidate.getClass().getName());
      }
      found = candidate;
    }
    return found;
  }

  private static ObjectStore openFile(String uri, URI parsed) {
    if (parsed.getPath() == null || parsed.getPath().isEmpty() || parsed.getQuery() != null) {
      throw new IllegalArgumentException(
          "file URI '" + uri + "' needs an absolute directory path and no parameters");
    }
    return new LocalFileObjectStore(Path.of(parsed.getPath()));
  }
}
