package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
 *
 * <p>A store URI may carry credentials ({@code s3://...&accessKey=...&secretKey=...}), so no
 * message shows one as given: every message, log line or report that names a store URI passes it
 * through {@link #redact(String)} first.
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
      // Not chained: the exception's own message repeats the URI, secrets and all.
      throw new IllegalArgumentException(
          "malformed object store URI '"
              + redact(uri)
              + "': "
              + e.getReason()
              + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
    }
    String scheme = parsed.getScheme();
    if (scheme == null) {
      throw new IllegalArgumentException(
          "object store URI '"
              + redact(uri)
              + "' has no scheme; use memory:, file:/dir or s3://bucket");
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
              + redact(uri)
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
            + redact(uri)
            + "'; use memory:, file:/dir or s3://bucket");
  }

  /**
   * {@code uri} fit to print: the value of every query parameter whose name mentions a secret, a
   * password, a token or a customer key (in any case and with any separators, e.g. {@code
   * secretKey}, {@code sseCustomerKey}, {@code sse-customer-key}) becomes {@code ***}, an access
   * key ({@code accessKey}) keeps only its first characters (see {@link #redactAccessKey}), and a
   * password in the user info of the URI or of a URI-valued parameter (such as {@code endpoint})
   * becomes {@code ***}. Works on any text, including a URI too malformed to parse; parameters
   * without '=', or whose name runs on past its secret word (the value may be glued to it), that
   * mention a secret are hidden whole. Null stays null.
   */
  public static String redact(String uri) {
    if (uri == null) {
      return null;
    }
    String text = redactUserInfo(uri);
    int query = text.indexOf('?');
    if (query < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length()).append(text, 0, query + 1);
    String[] pairs = text.substring(query + 1).split("&", -1);
    for (int i = 0; i < pairs.length; i++) {
      if (i > 0) {
        out.append('&');
      }
      out.append(redactParameter(pairs[i]));
    }
    return out.toString();
  }

  /**
   * An access key id fit to print: its first four characters and {@code ***} (for AWS keys that is
   * only the key's kind, {@code AKIA} or {@code ASIA}), or only {@code ***} for ids shorter than
   * twelve characters, which would give away too large a part. Null stays null.
   */
  public static String redactAccessKey(String accessKey) {
    if (accessKey == null) {
      return null;
    }
    return accessKey.length() >= 12 ? accessKey.substring(0, 4) + "***" : "***";
  }

  /**
   * Words that mark a parameter's value as secret. "customerkey" is an S3 SSE-C key ({@code
   * sseCustomerKey}): whoever holds it reads every object written with it.
   */
  private static final List<String> SECRET_WORDS =
      List.of("secret", "password", "token", "customerkey");

  /** How the name of a secret parameter ends (separators dropped); it is shown with them only. */
  private static final List<String> SECRET_ENDINGS =
      List.of("secret", "secretkey", "secretaccesskey", "password", "token", "customerkey");

  private static String redactParameter(String pair) {
    int eq = pair.indexOf('=');
    String name = decode(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
    // Separators dropped, so that "sse_customer_key" is caught like "sseCustomerKey".
    String words = name.replaceAll("[^a-z0-9]", "");
    boolean secret = SECRET_WORDS.stream().anyMatch(words::contains);
    // A name that runs on past its secret word may have its value glued to it (a forgotten '='
    // before a base64 value that ends in '=' padding): such a pair is hidden whole.
    if (secret && (eq < 0 || SECRET_ENDINGS.stream().noneMatch(words::endsWith))) {
      return "***";
    }
    if (eq < 0) {
      return pair;
    }
    if (secret) {
      return pair.substring(0, eq + 1) + "***";
    }
    String value = decode(pair.substring(eq + 1));
    if (name.contains("accesskey")) {
      return pair.substring(0, eq + 1) + redactAccessKey(value);
    }
    String hidden = redactUserInfo(value);
    return hidden.equals(value) ? pair : pair.substring(0, eq + 1) + hidden;
  }

  /** {@code scheme://user:password@host...} loses its password. */
  private static String redactUserInfo(String uri) {
    int authority = uri.indexOf("//");
    if (authority < 0) {
      return uri;
    }
    int end = authority + 2;
    while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
      end++;
    }
    int at = uri.lastIndexOf('@', end - 1);
    if (at < authority) {
      return uri;
    }
    int colon = uri.indexOf(':', authority + 2);
    if (colon < 0 || colon > at) {
      return uri;
    }
    return uri.substring(0, colon + 1) + "***" + uri.substring(at);
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return text;
    }
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
          "file URI '" + redact(uri) + "' needs an absolute directory path and no parameters");
    }
    return new LocalFileObjectStore(Path.of(parsed.getPath()));
  }
}
