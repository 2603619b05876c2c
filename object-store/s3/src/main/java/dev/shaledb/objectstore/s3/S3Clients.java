package dev.shaledb.objectstore.s3;

import dev.shaledb.objectstore.ObjectStores;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;

/**
 * Builds the one S3 client of an {@link S3ObjectStore}: its region (given, or the SDK's default
 * region provider chain), credentials (given keys, or the SDK's default credentials provider
 * chain), addressing and retries. Directory buckets need nothing here: for a bucket named {@code
 * ...--x-s3} the SDK's endpoint rules pick the zonal endpoint, virtual-hosted style, and the SDK
 * signs with S3 Express session credentials it creates and renews itself.
 */
final class S3Clients {
  private static final Logger LOG = LoggerFactory.getLogger(S3Clients.class);
  private static final long QUIET_MILLIS = 250;

  private S3Clients() {}

  /**
   * The client and its event loops. The store owns the loops because the SDK's own shutdown of them
   * blocks {@code close()} for Netty's two-second quiet period; here they shut down in the
   * background after a short quiet period, in which closing connections finish their callbacks.
   */
  record Handle(S3AsyncClient client, SdkEventLoopGroup loops, Region region)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        client.close(); // also closes the HTTP client and its connections
      } finally {
        loops.eventLoopGroup().shutdownGracefully(QUIET_MILLIS, 5_000, TimeUnit.MILLISECONDS);
      }
    }
  }

  static Handle build(S3Config config) {
    return build(config, List.of());
  }

  /** With {@code interceptors} added to the client's own (tests watch requests with them). */
  static Handle build(S3Config config, List<ExecutionInterceptor> interceptors) {
    Region region = region(config, () -> chainRegion(config.endpoint().isEmpty()));
    SdkEventLoopGroup loops = SdkEventLoopGroup.builder().build();
    try {
      return new Handle(client(config, loops, region, interceptors), loops, region);
    } catch (RuntimeException e) {
      loops.eventLoopGroup().shutdownGracefully(QUIET_MILLIS, 5_000, TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  /**
   * The region to sign with: the configured one; else what {@code chain} finds (the SDK's default
   * region provider chain); else, with an explicit endpoint, {@link S3Config#FALLBACK_REGION},
   * which S3-compatible servers mostly ignore. On AWS without any region the store cannot guess one
   * (a wrong region costs a redirect at best, a refusal at worst) and fails to open.
   */
  static Region region(S3Config config, Supplier<Optional<Region>> chain) {
    if (config.region().isPresent()) {
      return Region.of(config.region().get());
    }
    Optional<Region> found = chain.get();
    if (found.isPresent()) {
      LOG.debug(
          "S3 store on bucket {}: region {} from the default chain", config.bucket(), found.get());
      return found.get();
    }
    if (config.endpoint().isPresent()) {
      LOG.debug(
          "S3 store on bucket {} at {}: no region given or found, signing for {}",
          config.bucket(),
          ObjectStores.redact(config.endpoint().get().toString()),
          S3Config.FALLBACK_REGION);
      return Region.of(S3Config.FALLBACK_REGION);
    }
    throw new IllegalArgumentException(
        "no AWS region for bucket '"
            + config.bucket()
            + "': give one (region= in an s3:// URI, S3Config.Builder.region), or set it where"
            + " the AWS SDK looks: the aws.region system property, AWS_REGION, the region of the"
            + " AWS profile, or EC2 instance metadata");
  }

  /**
   * The SDK's default region provider chain, or empty if it finds no region. Without {@code
   * instanceMetadata} (a store with its own endpoint: not on AWS) the chain's last step, EC2
   * instance metadata, is left out: off EC2 it only times out, which cost every open about 2.4 s.
   */
  private static Optional<Region> chainRegion(boolean instanceMetadata) {
    AwsRegionProvider chain =
        instanceMetadata
            ? DefaultAwsRegionProviderChain.builder().build()
            : new AwsRegionProviderChain(
                new SystemSettingsRegionProvider(), new AwsProfileRegionProvider());
    try {
      return Optional.ofNullable(chain.getRegion());
    } catch (SdkClientException none) {
      return Optional.empty();
    }
  }

  private static S3AsyncClient client(
      S3Config config,
      SdkEventLoopGroup loops,
      Region region,
      List<ExecutionInterceptor> interceptors) {
    S3AsyncClientBuilder builder =
        S3AsyncClient.builder()
            .httpClientBuilder(
                NettyNioAsyncHttpClient.builder()
                    .maxConcurrency(config.maxConnections())
                    .eventLoopGroup(loops))
            .region(region)
            .forcePathStyle(config.pathStyle())
            .credentialsProvider(credentials(config))
            // Default (WHEN_SUPPORTED) checksums use aws-chunked trailers: S3-compatible servers
            // often reject them, and against S3Proxy they turned early 412s into broken pipes.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                o ->
                    o.retryStrategy(retryStrategy(config))
                        .apiCallTimeout(config.apiCallTimeout())
                        .apiCallAttemptTimeout(config.attemptTimeout())
                        .addExecutionInterceptor(new AttemptLog.Interceptor())
                        .applyMutation(b -> interceptors.forEach(b::addExecutionInterceptor)));
    config.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /**
   * The SDK's standard strategy (exponential back-off with jitter, throttling-aware, retry quota)
   * is the store's only retry layer. It also retries 409 ConditionalRequestConflict: S3's answer to
   * a conditional write racing another on the same key, which did not apply the request.
   */
  private static RetryStrategy retryStrategy(S3Config config) {
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(config.maxAttempts())
        .retryOnException(t -> S3Errors.status(t) == 409)
        .build();
  }

  /**
   * The configured keys, or else the SDK's default credentials provider chain: system properties,
   * environment variables, web identity token, the shared profile files (including SSO and
   * credential processes), the container and the EC2 instance role. The chain is consulted when a
   * request is signed, not here, so a store opens without credentials and its first request fails.
   */
  private static AwsCredentialsProvider credentials(S3Config config) {
    return config
        .credentials()
        .<AwsCredentialsProvider>map(
            c ->
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
        .orElseGet(() -> DefaultCredentialsProvider.builder().build());
  }
}
