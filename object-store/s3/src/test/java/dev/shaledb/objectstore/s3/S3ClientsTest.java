package dev.shaledb.objectstore.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** Region and credentials resolution, as AWS users expect it (docs/s3.md). */
class S3ClientsTest {
  private static final URI LOCAL = URI.create("http://127.0.0.1:9");

  private final AtomicInteger chainCalls = new AtomicInteger();

  private Supplier<Optional<Region>> chain(Region found) {
    return () -> {
      chainCalls.incrementAndGet();
      return Optional.ofNullable(found);
    };
  }

  @Test
  void aGivenRegionIsUsedWithoutAskingTheChain() {
    S3Config config = S3Config.builder("bucket").region("eu-west-1").build();
    assertThat(S3Clients.region(config, chain(Region.US_WEST_2))).isEqualTo(Region.EU_WEST_1);
    assertThat(chainCalls).hasValue(0);
  }

  @Test
  void withoutARegionTheDefaultChainDecides() {
    S3Config aws = S3Config.builder("bucket").build();
    assertThat(S3Clients.region(aws, chain(Region.US_WEST_2))).isEqualTo(Region.US_WEST_2);
    S3Config local = S3Config.builder("bucket").endpoint(LOCAL).build();
    assertThat(S3Clients.region(local, chain(Region.AP_SOUTH_1))).isEqualTo(Region.AP_SOUTH_1);
  }

  @Test
  void usEast1IsTheFallbackOnlyForAnExplicitEndpoint() {
    S3Config local = S3Config.builder("bucket").endpoint(LOCAL).build();
    assertThat(S3Clients.region(local, chain(null))).isEqualTo(Region.US_EAST_1);
    S3Config aws = S3Config.builder("bucket").build();
    assertThatThrownBy(() -> S3Clients.region(aws, chain(null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no AWS region for bucket 'bucket'")
        .hasMessageContaining("AWS_REGION");
  }

  @Test
  void theSdksDefaultRegionChainIsWhatAStoreWithoutARegionConsults() {
    String before = System.getProperty("aws.region");
    System.setProperty("aws.region", "ap-southeast-2");
    try (S3ObjectStore store = S3ObjectStore.open(S3Config.builder("bucket").build())) {
      assertThat(store.region()).isEqualTo("ap-southeast-2");
    } finally {
      if (before == null) {
        System.clearProperty("aws.region");
      } else {
        System.setProperty("aws.region", before);
      }
    }
  }

  @Test
  void withoutKeysTheSdksDefaultCredentialsChainSignsAndWithKeysOnlyThey() {
    S3Config chain = S3Config.builder("bucket").region("us-east-1").build();
    try (S3Clients.Handle handle = S3Clients.build(chain, List.of())) {
      assertThat(handle.client().serviceClientConfiguration().credentialsProvider())
          .isInstanceOf(DefaultCredentialsProvider.class);
    }
    S3Config keys = chain.toBuilder().credentials("AKIAIOSFODNN7EXAMPLE", "secret").build();
    try (S3Clients.Handle handle = S3Clients.build(keys, List.of())) {
      assertThat(handle.client().serviceClientConfiguration().credentialsProvider())
          .isInstanceOf(StaticCredentialsProvider.class);
      assertThat(handle.region()).isEqualTo(Region.US_EAST_1);
    }
  }
}
