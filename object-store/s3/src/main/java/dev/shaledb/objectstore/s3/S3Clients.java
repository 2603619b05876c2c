package dev.shaledb.objectstore.s3;

import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;

/** Builds the one S3 client of an {@link S3ObjectStore}. */
final class S3Clients {
  private static final long QUIET_MILLIS = 250;

  private S3Clients() {}

  /**
   * The client and its event loops. The store owns the loops because the SDK's own shutdown of them
   * blocks {@code close()} for Netty's two-second quiet period; here they shut down in the
   * background after a short quiet period, in which closing connections finish their callbacks.
   */
  record Handle(S3AsyncClient client, SdkEventLoopGroup loops) implements AutoCloseable {
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
    SdkEventLoopGroup loops = SdkEventLoopGroup.builder().build();
    try {
      return new Handle(client(config, loops), loops);
    } catch (RuntimeException e) {
      loops.eventLoopGroup().shutdownGracefully(QUIET_MILLIS, 5_000, TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  private static S3AsyncClient client(S3Config config, SdkEventLoopGroup loops) {
    S3AsyncClientBuilder builder =
        S3AsyncClient.builder()
            .httpClientBuilder(
                NettyNioAsyncHttpClient.builder()
                    .maxConcurrency(config.maxConnections())
                    .eventLoopGroup(loops))
            .region(Region.of(config.region()))
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
                        .addExecutionInterceptor(new AttemptLog.Interceptor()));
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
