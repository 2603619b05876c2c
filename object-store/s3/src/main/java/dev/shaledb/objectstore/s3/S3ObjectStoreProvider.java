package dev.shaledb.objectstore.s3;

import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStoreProvider;
import dev.shaledb.objectstore.ObjectStores;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@code s3://} URIs for {@link ObjectStores#open(String)}:
 *
 * <p>{@code s3://bucket[/prefix][?endpoint=http://host:port&region=us-east-1&pathStyle=true
 * &directoryBucket=false&accessKey=...&secretKey=...&maxConnections=64&partSizeBytes=8388608
 * &multipartThresholdBytes=16777216]} is an {@link S3ObjectStore} on an S3 (or S3-compatible)
 * bucket. Parameters left out keep {@link S3Config}'s defaults: without keys, credentials come from
 * the AWS default chain (prefer it: keys in a URI end up in shell histories and process lists);
 * without a region, the AWS default region chain decides, and with an explicit endpoint {@code
 * us-east-1} if it finds none; a bucket named {@code ...--x-s3} is a directory bucket unless {@code
 * directoryBucket=false}. The multipart sizes let a process that only gets a URI, such as a child
 * of a crash test, upload in parts at S3's smallest sizes. docs/s3.md explains each.
 *
 * <p>Every error message shows the URI as {@link ObjectStores#redact(String)} prints it, without
 * its secret key and with only the start of its access key.
 */
public final class S3ObjectStoreProvider implements ObjectStoreProvider {
  private static final Set<String> S3_PARAMETERS =
      Set.of(
          "endpoint",
          "region",
          "pathStyle",
          "directoryBucket",
          "accessKey",
          "secretKey",
          "maxConnections",
          "partSizeBytes",
          "multipartThresholdBytes");

  /** For {@link java.util.ServiceLoader}. */
  public S3ObjectStoreProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("s3");
  }

  @Override
  public ObjectStore open(URI uri) {
    return S3ObjectStore.open(config(uri));
  }

  /** The configuration an {@code s3://} URI describes. */
  static S3Config config(URI parsed) {
    String uri = ObjectStores.redact(parsed.toString());
    String bucket = parsed.getHost();
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException("s3 URI '" + uri + "' has no bucket");
    }
    String path = parsed.getPath() == null ? "" : parsed.getPath();
    String prefix = path.startsWith("/") ? path.substring(1) : path;
    Map<String, String> params = parameters(uri, parsed.getRawQuery());
    S3Config.Builder builder = S3Config.builder(bucket).prefix(prefix);
    if (params.containsKey("endpoint")) {
      try {
        builder.endpoint(new URI(params.get("endpoint")));
      } catch (URISyntaxException e) {
        // Not chained: its message repeats the endpoint, which may carry a password.
        throw new IllegalArgumentException(
            "parameter 'endpoint' in '" + uri + "' is not a URI: " + e.getReason());
      }
    }
    if (params.containsKey("region")) {
      builder.region(params.get("region"));
    }
    if (params.containsKey("pathStyle")) {
      builder.pathStyle(parseBoolean(uri, "pathStyle", params.get("pathStyle")));
    }
    if (params.containsKey("directoryBucket")) {
      builder.directoryBucket(parseBoolean(uri, "directoryBucket", params.get("directoryBucket")));
    }
    if (params.containsKey("accessKey") != params.containsKey("secretKey")) {
      throw new IllegalArgumentException(
          "s3 URI '" + uri + "' must give both accessKey and secretKey, or neither");
    }
    if (params.containsKey("accessKey")) {
      builder.credentials(params.get("accessKey"), params.get("secretKey"));
    }
    if (params.containsKey("maxConnections")) {
      builder.maxConnections(parseInt(uri, "maxConnections", params.get("maxConnections")));
    }
    if (params.containsKey("partSizeBytes")) {
      builder.partSizeBytes(parseLong(uri, "partSizeBytes", params.get("partSizeBytes")));
    }
    if (params.containsKey("multipartThresholdBytes")) {
      builder.multipartThresholdBytes(
          parseLong(uri, "multipartThresholdBytes", params.get("multipartThresholdBytes")));
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (in '" + uri + "')", e);
    }
  }

  /** The parameters of {@code query}; {@code uri} is the redacted URI, for messages. */
  private static Map<String, String> parameters(String uri, String query) {
    Map<String, String> params = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return params;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "parameter '"
                + ObjectStores.redact("?" + pair).substring(1)
                + "' in '"
                + uri
                + "' has no value");
      }
      String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
      if (!S3_PARAMETERS.contains(name)) {
        throw new IllegalArgumentException(
            "unknown parameter '" + name + "' in '" + uri + "'; known: " + S3_PARAMETERS);
      }
      if (params.put(name, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8))
          != null) {
        throw new IllegalArgumentException("parameter '" + name + "' repeated in '" + uri + "'");
      }
    }
    return params;
  }

  private static boolean parseBoolean(String uri, String name, String value) {
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException(
        "parameter '" + name + "' in '" + uri + "' must be true or false, not '" + value + "'");
  }

  private static int parseInt(String uri, String name, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw notANumber(uri, name, value, e);
    }
  }

  private static long parseLong(String uri, String name, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw notANumber(uri, name, value, e);
    }
  }

  private static IllegalArgumentException notANumber(
      String uri, String name, String value, NumberFormatException e) {
    return new IllegalArgumentException(
        "parameter '" + name + "' in '" + uri + "' is not a number: '" + value + "'", e);
  }
}
