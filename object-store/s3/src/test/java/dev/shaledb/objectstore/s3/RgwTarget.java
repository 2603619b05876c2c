package dev.shaledb.objectstore.s3;

import static java.util.Objects.requireNonNull;

import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The S3 server of the Ceph RGW test tier (docs/testing.md): an existing bucket on an S3 endpoint
 * outside the test JVM, given as system properties. The {@code rgw} Maven profile maps the
 * variables that {@code scripts/ceph-rgw.sh start} writes ({@code SHALEDB_S3_ENDPOINT}, {@code
 * _REGION}, {@code _ACCESS_KEY}, {@code _SECRET_KEY}, {@code _BUCKET}, {@code _PATH_STYLE}) to
 * {@code shaledb.s3.endpoint}, {@code .region}, {@code .accessKey}, {@code .secretKey}, {@code
 * .bucket} and {@code .pathStyle}.
 *
 * <p>Without {@code shaledb.s3.endpoint} a test that calls {@link #assumeConfigured()} is skipped,
 * so the ordinary {@code mvn verify} runs none of the tier; with {@code -Dshaledb.s3.required=true}
 * (as {@code scripts/rgw-tier.sh} runs it) it fails instead, so a misconfigured tier cannot pass by
 * skipping everything. An endpoint without the other required properties fails too.
 *
 * <p>Tests share the one bucket: each takes its own key prefix from {@link #uniquePrefix(String)}
 * and deletes it afterwards with {@link #deletePrefix(String)}.
 */
public final class RgwTarget {
  /** The one line a skipped test shows. */
  public static final String NOT_CONFIGURED =
      "Ceph RGW tier not configured (no -Dshaledb.s3.endpoint): run it with scripts/rgw-tier.sh,"
          + " or start RGW with scripts/ceph-rgw.sh, load its env file and run mvn with -Prgw";

  private static final String PROPERTY = "shaledb.s3.";
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  /** One run's prefixes share this, so that runs against a long-lived bucket never collide. */
  private static final String RUN =
      LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT))
          + "-"
          + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16));

  private final URI endpoint;
  private final String region;
  private final String accessKey;
  private final String secretKey;
  private final String bucket;
  private final boolean pathStyle;

  private RgwTarget(
      URI endpoint,
      String region,
      String accessKey,
      String secretKey,
      String bucket,
      boolean pathStyle) {
    this.endpoint = endpoint;
    this.region = region;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.bucket = bucket;
    this.pathStyle = pathStyle;
  }

  /**
   * The target the system properties describe; skips the calling test (a JUnit assumption) when
   * they name no endpoint, unless {@code shaledb.s3.required} is true.
   *
   * @throws IllegalStateException if an endpoint is given without a required property, or none is
   *     given while one is required
   */
  public static RgwTarget assumeConfigured() {
    String endpoint = property("endpoint");
    if (endpoint == null && Boolean.getBoolean(PROPERTY + "required")) {
      throw new IllegalStateException(
          "-Dshaledb.s3.required=true but -Dshaledb.s3.endpoint is not set (is SHALEDB_S3_ENDPOINT"
              + " exported, and -Prgw given?)");
    }
    Assumptions.assumeTrue(endpoint != null, NOT_CONFIGURED);
    String pathStyle = property("pathStyle");
    return new RgwTarget(
        URI.create(endpoint),
        property("region") == null ? "us-east-1" : property("region"),
        required("accessKey"),
        required("secretKey"),
        required("bucket"),
        pathStyle == null || Boolean.parseBoolean(pathStyle));
  }

  /**
   * A system property, or null when unset, blank, or a Maven expression the {@code rgw} profile
   * left unresolved because its environment variable is missing.
   */
  private static String property(String name) {
    String value = System.getProperty(PROPERTY + name);
    if (value == null || value.isBlank() || value.startsWith("${")) {
      return null;
    }
    return value.trim();
  }

  private static String required(String name) {
    String value = property(name);
    if (value == null) {
      throw new IllegalStateException(
          "-D"
              + PROPERTY
              + "endpoint is set but -D"
              + PROPERTY
              + name
              + " is not (the rgw profile takes it from SHALEDB_S3_"
              + name.replaceAll("([A-Z])", "_$1").toUpperCase(Locale.ROOT)
              + ")");
    }
    return value;
  }

  public URI endpoint() {
    return endpoint;
  }

  /**
   * The SSE-KMS key id the server's KMS knows ({@code shaledb.s3.kmsKeyId}; scripts/ceph-rgw.sh
   * configures RGW's testing backend with one), or empty.
   */
  public Optional<String> kmsKeyId() {
    return Optional.ofNullable(property("kmsKeyId"));
  }

  public String bucket() {
    return bucket;
  }

  /**
   * A key prefix in the bucket that no other test of any run uses: {@code
   * rgw-tier/<run>/<n>-<name>/}.
   */
  public String uniquePrefix(String name) {
    String safe = name.replaceAll("[^A-Za-z0-9._-]", "-");
    return "rgw-tier/" + RUN + "/" + PREFIXES.incrementAndGet() + "-" + safe + "/";
  }

  /** A config for the bucket under {@code prefix}, to adjust and build. */
  public S3Config.Builder config(String prefix) {
    return S3Config.builder(bucket)
        .endpoint(endpoint)
        .region(region)
        .pathStyle(pathStyle)
        .credentials(accessKey, secretKey)
        .prefix(prefix);
  }

  /** A store on the bucket under {@code prefix} with the default config. */
  public S3ObjectStore newStore(String prefix) {
    return S3ObjectStore.open(config(prefix).build());
  }

  /**
   * The same as an {@code s3://} URI for {@link dev.shaledb.objectstore.ObjectStores#open}, e.g.
   * for a child process; {@code extraQuery} is appended as is ("" or {@code &name=value...}).
   */
  public String storeUri(String prefix, String extraQuery) {
    return "s3://"
        + bucket
        + "/"
        + prefix
        + "?endpoint="
        + URLEncoder.encode(endpoint.toString(), StandardCharsets.UTF_8)
        + "&region="
        + region
        + "&pathStyle="
        + pathStyle
        + "&accessKey="
        + URLEncoder.encode(accessKey, StandardCharsets.UTF_8)
        + "&secretKey="
        + URLEncoder.encode(secretKey, StandardCharsets.UTF_8)
        + extraQuery;
  }

  /** A plain SDK client of the endpoint, as an operator's tool would talk to it. */
  public S3AsyncClient client() {
    return S3AsyncClient.builder()
        .endpointOverride(endpoint)
        .region(Region.of(region))
        .forcePathStyle(pathStyle)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  /**
   * Deletes every object under {@code prefix}, so that a RAM-backed RGW (docs/ceph-rgw.md) gets the
   * space back; returns how many it deleted.
   */
  public int deletePrefix(String prefix) {
    requireNonNull(prefix, "prefix is null");
    try (ObjectStore store = newStore(prefix)) {
      List<ObjectMeta> objects = Futures.join(store.list(""));
      CompletableFuture.allOf(
              objects.stream()
                  .map(meta -> store.delete(meta.key()))
                  .toArray(CompletableFuture<?>[]::new))
          .join();
      return objects.size();
    }
  }

  @Override
  public String toString() {
    return "RgwTarget[" + endpoint + ", bucket " + bucket + ", region " + region + "]";
  }
}
