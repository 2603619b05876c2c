package dev.shaledb.objectstore.s3;

import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStoreProvider;
import dev.shaledb.objectstore.ObjectStores;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opens {@code s3://} URIs for {@link ObjectStores#open(String)}:
 *
 * <p>{@code s3://bucket[/prefix][?endpoint=http://host:port&region=us-east-1&pathStyle=true
 * &directoryBucket=false&accessKey=...&secretKey=...&maxConnections=64&partSizeBytes=8388608
 * &multipartThresholdBytes=16777216&sse=aws:kms&sseKmsKeyId=...&sseBucketKey=true]} is an {@link
 * S3ObjectStore} on an S3 (or S3-compatible) bucket. Parameters left out keep {@link S3Config}'s
 * defaults: without keys, credentials come from the AWS default chain (prefer it: keys in a URI end
 * up in shell histories and process lists); without a region, the AWS default region chain decides,
 * and with an explicit endpoint {@code us-east-1} if it finds none; a bucket named {@code
 * ...--x-s3} is a directory bucket unless {@code directoryBucket=false}. The multipart sizes let a
 * process that only gets a URI, such as a child of a crash test, upload in parts at S3's smallest
 * sizes. Server-side encryption is {@code sse=AES256} (SSE-S3), {@code sse=aws:kms} with an
 * optional {@code sseKmsKeyId} and {@code sseBucketKey}, or {@code sseCustomerKey=<base64 of 32
 * bytes>} (SSE-C; better given in code, {@link S3Config.Builder#encryption}). docs/s3.md explains
 * each.
 *
 * <p>Every error message shows the URI as {@link ObjectStores#redact(String)} prints it, without
 * its secret key or SSE-C key and with only the start of its access key; no message repeats a
 * customer key's value.
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
          "multipartThresholdBytes",
          "sse",
          "sseKmsKeyId",
          "sseBucketKey",
          "sseCustomerKey");

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
    builder.encryption(encryption(uri, params));
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (in '" + uri + "')", e);
    }
  }

  /**
   * The encryption the {@code sse*} parameters ask for: {@code sse=AES256}, {@code sse=aws:kms}
   * (with {@code sseKmsKeyId}, {@code sseBucketKey}) or {@code sseCustomerKey}, never two modes.
   */
  private static S3Encryption encryption(String uri, Map<String, String> params) {
    String sse = params.get("sse");
    boolean kmsOptions = params.containsKey("sseKmsKeyId") || params.containsKey("sseBucketKey");
    if (kmsOptions && !S3Encryption.AWS_KMS.equals(sse)) {
      throw new IllegalArgumentException(
          "parameters 'sseKmsKeyId' and 'sseBucketKey' in '"
              + uri
              + "' need sse="
              + S3Encryption.AWS_KMS);
    }
    if (params.containsKey("sseCustomerKey")) {
      if (sse != null) {
        throw new IllegalArgumentException(
            "parameter 'sseCustomerKey' (SSE-C) in '"
                + uri
                + "' excludes 'sse' (SSE-S3, SSE-KMS): an object has one kind of encryption");
      }
      return S3Encryption.customerKey(customerKey(uri, params.get("sseCustomerKey")));
    }
    if (sse == null) {
      return S3Encryption.none();
    }
    switch (sse) {
      case S3Encryption.AES256:
        return S3Encryption.s3Managed();
      case S3Encryption.AWS_KMS:
        boolean bucketKey =
            params.containsKey("sseBucketKey")
                && parseBoolean(uri, "sseBucketKey", params.get("sseBucketKey"));
        try {
          return S3Encryption.kms(Optional.ofNullable(params.get("sseKmsKeyId")), bucketKey);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "parameter 'sseKmsKeyId' in '" + uri + "': " + e.getMessage(), e);
        }
      default:
        throw new IllegalArgumentException(
            "parameter 'sse' in '"
                + uri
                + "' must be "
                + S3Encryption.AES256
                + " or "
                + S3Encryption.AWS_KMS
                + ", not '"
                + sse
                + "' (an SSE-C key is sseCustomerKey)");
    }
  }

  /**
   * The 32 key bytes in {@code base64} (standard or URL-safe alphabet). No message repeats any of
   * the value, and no exception from the decoder is chained, since its message may quote it.
   */
  private static byte[] customerKey(String uri, String base64) {
    // URL decoding turned an unescaped '+' of standard base64 into a space; base64 has no spaces.
    String value = base64.replace(' ', '+');
    byte[] key;
    try {
      key =
          value.indexOf('-') >= 0 || value.indexOf('_') >= 0
              ? Base64.getUrlDecoder().decode(value)
              : Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "parameter 'sseCustomerKey' in '" + uri + "' is not base64 (of a 32-byte key)");
    }
    if (key.length != S3Encryption.CustomerKey.KEY_BYTES) {
      throw new IllegalArgumentException(
          "parameter 'sseCustomerKey' in '"
              + uri
              + "' must be the base64 of "
              + S3Encryption.CustomerKey.KEY_BYTES
              + " bytes (AES-256), not of "
              + key.length
              + " bytes");
    }
    return key;
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
        // A misspelt name may run into its value (sseCustomerKeyAAEC...=): shown redacted.
        throw new IllegalArgumentException(
            "unknown parameter '"
                + ObjectStores.redact("?" + name).substring(1)
                + "' in '"
                + uri
                + "'; known: "
                + S3_PARAMETERS);
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
