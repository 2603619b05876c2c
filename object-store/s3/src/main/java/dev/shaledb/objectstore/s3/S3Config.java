package dev.shaledb.objectstore.s3;

import static java.util.Objects.requireNonNull;

import dev.shaledb.objectstore.MultipartUpload;
import dev.shaledb.objectstore.ObjectKeys;
import dev.shaledb.objectstore.ObjectStores;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How {@link S3ObjectStore} reaches its bucket. Immutable; build with {@link #builder(String)}.
 * {@link #toString()} shows no secret (no secret key, no SSE-C key). Connecting, credentials,
 * regions, directory buckets and the multipart sizes are explained in docs/s3.md.
 *
 * @param bucket the bucket (3–63 characters of lower-case letters, digits, '.', '-')
 * @param prefix prepended to every object key; empty, or ending with '/' (added if missing)
 * @param endpoint an S3-compatible endpoint instead of AWS's, e.g. {@code http://127.0.0.1:9000}
 * @param region the signing region; empty to take it from the AWS SDK's default region provider
 *     chain ({@code aws.region}, {@code AWS_REGION}, the profile, EC2 instance metadata) when the
 *     store opens. If the chain finds none, opening fails, except with an explicit {@code
 *     endpoint}: S3-compatible servers mostly ignore the region, and {@code us-east-1} is used.
 * @param pathStyle address the bucket as {@code endpoint/bucket} instead of {@code
 *     bucket.endpoint}; most S3-compatible servers need it
 * @param credentials static keys, or empty for the SDK's default provider chain
 * @param maxConnections the HTTP connection pool size
 * @param multipartThresholdBytes unconditional puts larger than this are uploaded in parts
 * @param partSizeBytes the size of each part but the last (S3's minimum is 5 MiB)
 * @param maxSinglePutBytes the largest conditional put: conditional puts always go up in one PUT
 *     (S3 allows up to 5 GiB), since some S3 implementations ignore conditions on
 *     CompleteMultipartUpload
 * @param maxAttempts attempts per request of the SDK's standard retry strategy (1 = no retries)
 * @param apiCallTimeout the limit for one request including its retries and their back-off
 * @param attemptTimeout the limit for one attempt
 * @param directoryBucket whether the bucket is an S3 Express One Zone directory bucket, whose
 *     listings are unordered, take no {@code StartAfter} and need a prefix ending in '/'; by
 *     default true exactly for bucket names ending in {@code --x-s3}
 * @param encryption the server-side encryption every object is written with (and SSE-C objects are
 *     read with); {@link S3Encryption#none()} by default. Directory buckets do not take SSE-C.
 */
public record S3Config(
    String bucket,
    String prefix,
    Optional<URI> endpoint,
    Optional<String> region,
    boolean pathStyle,
    Optional<Credentials> credentials,
    int maxConnections,
    long multipartThresholdBytes,
    long partSizeBytes,
    long maxSinglePutBytes,
    int maxAttempts,
    Duration apiCallTimeout,
    Duration attemptTimeout,
    boolean directoryBucket,
    S3Encryption encryption) {

  /** S3's smallest allowed part (all parts but the last). */
  public static final long MIN_PART_SIZE = 5L << 20;

  /** S3's largest allowed part. */
  public static final long MAX_PART_SIZE = 5L << 30;

  /** S3's largest object in a single PUT. */
  public static final long MAX_SINGLE_PUT_SIZE = 5L << 30;

  /** S3's maximum number of parts per upload. */
  public static final int MAX_PARTS = 10_000;

  /** The region used with an explicit endpoint when none is given or found. */
  public static final String FALLBACK_REGION = "us-east-1";

  /** A static access key pair. */
  public record Credentials(String accessKeyId, String secretAccessKey) {
    public Credentials {
      requireNonNull(accessKeyId, "accessKeyId is null");
      requireNonNull(secretAccessKey, "secretAccessKey is null");
      if (accessKeyId.isEmpty()) {
        throw new IllegalArgumentException("accessKeyId is empty");
      }
    }

    /** Hides the secret and all but the start of the key id, so that configs can be logged. */
    @Override
    public String toString() {
      return "Credentials[accessKeyId="
          + ObjectStores.redactAccessKey(accessKeyId)
          + ", secretAccessKey=***]";
    }
  }

  public S3Config {
    requireNonNull(bucket, "bucket is null");
    requireNonNull(prefix, "prefix is null");
    requireNonNull(endpoint, "endpoint is null");
    requireNonNull(region, "region is null");
    requireNonNull(credentials, "credentials is null");
    requireNonNull(apiCallTimeout, "apiCallTimeout is null");
    requireNonNull(attemptTimeout, "attemptTimeout is null");
    requireNonNull(encryption, "encryption is null");
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException("bucket is not a valid S3 bucket name: '" + bucket + "'");
    }
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    ObjectKeys.validatePrefix(prefix);
    endpoint.ifPresent(S3Config::validateEndpoint);
    if (region.isPresent() && region.get().isEmpty()) {
      throw new IllegalArgumentException("region is empty");
    }
    positive("maxConnections", maxConnections);
    positive("maxAttempts", maxAttempts);
    if (partSizeBytes < MIN_PART_SIZE || partSizeBytes > MAX_PART_SIZE) {
      throw new IllegalArgumentException(
          "partSizeBytes " + partSizeBytes + " is outside S3's [5 MiB, 5 GiB]");
    }
    if (multipartThresholdBytes < partSizeBytes) {
      throw new IllegalArgumentException(
          "multipartThresholdBytes "
              + multipartThresholdBytes
              + " is smaller than partSizeBytes "
              + partSizeBytes);
    }
    if (maxSinglePutBytes < multipartThresholdBytes || maxSinglePutBytes > MAX_SINGLE_PUT_SIZE) {
      throw new IllegalArgumentException(
          "maxSinglePutBytes "
              + maxSinglePutBytes
              + " is outside [multipartThresholdBytes "
              + multipartThresholdBytes
              + ", S3's 5 GiB]");
    }
    positive("apiCallTimeout", apiCallTimeout);
    positive("attemptTimeout", attemptTimeout);
    if (attemptTimeout.compareTo(apiCallTimeout) > 0) {
      throw new IllegalArgumentException(
          "attemptTimeout " + attemptTimeout + " exceeds apiCallTimeout " + apiCallTimeout);
    }
    if (directoryBucket && encryption instanceof S3Encryption.CustomerKey) {
      // AWS: directory buckets support SSE-S3 and SSE-KMS only; better now than a 400 per write.
      throw new IllegalArgumentException(
          "encryption: directory bucket '" + bucket + "' does not support SSE-C customer keys");
    }
  }

  /** A builder with defaults suited to AWS S3 for {@code bucket}. */
  public static Builder builder(String bucket) {
    return new Builder(bucket);
  }

  /** A builder preset from this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The largest object a put accepts: {@link #MAX_PARTS} parts of {@link #partSizeBytes()}.
   * Conditional puts are limited to {@link #maxSinglePutBytes()} as well.
   */
  public long maxObjectBytes() {
    return partSizeBytes * MAX_PARTS;
  }

  /**
   * Whether {@code bucket} is named like an S3 Express One Zone directory bucket ({@code
   * base-name--zone-id--x-s3}).
   */
  public static boolean isDirectoryBucketName(String bucket) {
    return bucket != null && bucket.endsWith("--x-s3");
  }

  /**
   * Every setting, with the credentials hidden as {@link Credentials#toString()} does and an SSE-C
   * key shown only by its MD5.
   */
  @Override
  public String toString() {
    return "S3Config[bucket="
        + bucket
        + ", prefix="
        + prefix
        + ", endpoint="
        + endpoint.map(e -> ObjectStores.redact(e.toString())).orElse("(AWS)")
        + ", region="
        + region.orElse("(default chain)")
        + ", pathStyle="
        + pathStyle
        + ", directoryBucket="
        + directoryBucket
        + ", credentials="
        + credentials.map(Credentials::toString).orElse("(default chain)")
        + ", maxConnections="
        + maxConnections
        + ", multipartThresholdBytes="
        + multipartThresholdBytes
        + ", partSizeBytes="
        + partSizeBytes
        + ", maxSinglePutBytes="
        + maxSinglePutBytes
        + ", maxAttempts="
        + maxAttempts
        + ", apiCallTimeout="
        + apiCallTimeout
        + ", attemptTimeout="
        + attemptTimeout
        + ", encryption="
        + encryption
        + "]";
  }

  private static void validateEndpoint(URI uri) {
    String scheme = uri.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException(
          "endpoint is not an http(s) URI: " + ObjectStores.redact(uri.toString()));
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(
          "endpoint has no host: " + ObjectStores.redact(uri.toString()));
    }
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " is not positive: " + value);
    }
  }

  private static void positive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " is not positive: " + value);
    }
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private String bucket;
    private String prefix = "";
    private URI endpoint;
    private String region;
    private boolean pathStyle;
    private Credentials credentials;
    private int maxConnections = 64;
    private long multipartThresholdBytes = 16L << 20;
    private long partSizeBytes = MultipartUpload.DEFAULT_PART_SIZE;
    private long maxSinglePutBytes = MAX_SINGLE_PUT_SIZE;
    private int maxAttempts = 4;
    private Duration apiCallTimeout = Duration.ofMinutes(2);
    private Duration attemptTimeout = Duration.ofSeconds(30);
    private Boolean directoryBucket; // null: from the bucket's name
    private S3Encryption encryption = S3Encryption.none();

    private Builder(String bucket) {
      this.bucket = bucket;
    }

    private Builder(S3Config c) {
      bucket = c.bucket;
      prefix = c.prefix;
      endpoint = c.endpoint.orElse(null);
      region = c.region.orElse(null);
      pathStyle = c.pathStyle;
      credentials = c.credentials.orElse(null);
      maxConnections = c.maxConnections;
      multipartThresholdBytes = c.multipartThresholdBytes;
      partSizeBytes = c.partSizeBytes;
      maxSinglePutBytes = c.maxSinglePutBytes;
      maxAttempts = c.maxAttempts;
      apiCallTimeout = c.apiCallTimeout;
      attemptTimeout = c.attemptTimeout;
      // Only a setting that differs from the name's is kept, so that a new bucket name decides.
      directoryBucket =
          c.directoryBucket == isDirectoryBucketName(c.bucket) ? null : c.directoryBucket;
      encryption = c.encryption;
    }

    public Builder bucket(String bucket) {
      this.bucket = bucket;
      return this;
    }

    public Builder prefix(String prefix) {
      this.prefix = prefix;
      return this;
    }

    /** An S3-compatible endpoint; null for AWS. */
    public Builder endpoint(URI endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /** The signing region; null (the default) for the SDK's default region provider chain. */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    public Builder pathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
      return this;
    }

    /**
     * Static keys instead of the SDK's default provider chain. Prefer the chain (environment,
     * profile, instance or container role): keys in code or URIs end up in shell histories and
     * process lists.
     */
    public Builder credentials(String accessKeyId, String secretAccessKey) {
      this.credentials = new Credentials(accessKeyId, secretAccessKey);
      return this;
    }

    /** Goes back to the SDK's default provider chain (environment, profile, instance role). */
    public Builder defaultCredentials() {
      this.credentials = null;
      return this;
    }

    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    public Builder multipartThresholdBytes(long multipartThresholdBytes) {
      this.multipartThresholdBytes = multipartThresholdBytes;
      return this;
    }

    public Builder partSizeBytes(long partSizeBytes) {
      this.partSizeBytes = partSizeBytes;
      return this;
    }

    /** The largest conditional put; S3's 5 GiB by default. */
    public Builder maxSinglePutBytes(long maxSinglePutBytes) {
      this.maxSinglePutBytes = maxSinglePutBytes;
      return this;
    }

    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder apiCallTimeout(Duration apiCallTimeout) {
      this.apiCallTimeout = apiCallTimeout;
      return this;
    }

    public Builder attemptTimeout(Duration attemptTimeout) {
      this.attemptTimeout = attemptTimeout;
      return this;
    }

    /**
     * Whether the bucket is a directory bucket, overriding what its name says (for tests against
     * servers that imitate one, or a future naming scheme).
     */
    public Builder directoryBucket(boolean directoryBucket) {
      this.directoryBucket = directoryBucket;
      return this;
    }

    /**
     * The server-side encryption of every object written, {@link S3Encryption#none()} by default.
     * This is the way to give an SSE-C key without putting it in a URI: read it from wherever the
     * application keeps its secrets and pass {@link S3Encryption#customerKey(byte[])}.
     */
    public Builder encryption(S3Encryption encryption) {
      this.encryption = encryption;
      return this;
    }

    public S3Config build() {
      return new S3Config(
          bucket,
          prefix,
          Optional.ofNullable(endpoint),
          Optional.ofNullable(region),
          pathStyle,
          Optional.ofNullable(credentials),
          maxConnections,
          multipartThresholdBytes,
          partSizeBytes,
          maxSinglePutBytes,
          maxAttempts,
          apiCallTimeout,
          attemptTimeout,
          directoryBucket != null ? directoryBucket : isDirectoryBucketName(bucket),
          encryption);
    }
  }
}
