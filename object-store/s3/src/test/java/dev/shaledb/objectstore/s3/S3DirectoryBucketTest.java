package dev.shaledb.objectstore.s3;

import static dev.shaledb.objectstore.Futures.join;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.PutCondition;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;

/**
 * S3 Express One Zone directory buckets: what a listing asks of the server ({@link
 * DirectoryBucketBlobStore} refuses what a directory bucket refuses), and where the SDK sends the
 * requests of an {@code s3://...--x-s3} URI. The whole contract with the flag on is {@link
 * S3DirectoryBucketContractTest}.
 */
class S3DirectoryBucketTest {
  private static S3TestServer server;
  private static DirectoryBucketBlobStore directory;

  @BeforeAll
  static void startServer() {
    server = S3TestServer.start(s -> directory = new DirectoryBucketBlobStore(s));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static List<String> keys(List<ObjectMeta> metas) {
    return metas.stream().map(ObjectMeta::key).toList();
  }

  @Test
  void listingsAskForTheDirectoryNeverSendStartAfterAndComeBackSorted() {
    String bucket = server.createBucket();
    try (S3ObjectStore store =
        S3ObjectStore.open(server.config(bucket).prefix("db").directoryBucket(true).build())) {
      List<String> keys =
          List.of("wal/00000130", "wal/00000121", "wal/x/1", "walrus", "wal/00000120", "sst/a");
      for (String key : keys) {
        join(store.put(key, bytes(key), PutCondition.ifAbsent()));
      }
      assertThat(keys(join(store.list("wal/0000012", "wal/00000120"))))
          .containsExactly("wal/00000121");
      assertThat(directory.listedPrefixes).last().isEqualTo("db/wal/");
      assertThat(keys(join(store.list("wal"))))
          .containsExactly("wal/00000120", "wal/00000121", "wal/00000130", "wal/x/1", "walrus");
      assertThat(directory.listedPrefixes).last().isEqualTo("db/");
      assertThat(keys(join(store.list("", "sst/a"))))
          .containsExactly("wal/00000120", "wal/00000121", "wal/00000130", "wal/x/1", "walrus");
      assertThat(directory.listedPrefixes).last().isEqualTo("db/");
    }
    // The same listing without the flag is refused by the imitation: it is not vacuous.
    try (S3ObjectStore general = S3ObjectStore.open(server.config(bucket).prefix("db").build())) {
      assertThatThrownBy(() -> join(general.list("wal/", "wal/00000120")))
          .hasMessageContaining("InvalidArgument");
    }
  }

  @Test
  void inProgressMultipartUploadsNeverShowInListings() {
    String bucket = server.createBucket();
    try (S3ObjectStore store =
        S3ObjectStore.open(server.config(bucket).directoryBucket(true).build())) {
      join(store.put("sst/done", bytes("x"), PutCondition.none()));
      directory
          .delegate()
          .initiateMultipartUpload(
              CreateMultipartUploadRequest.builder().bucket(bucket).key("sst/pending").build());
      assertThat(keys(join(store.list("sst/")))).containsExactly("sst/done");
      assertThat(keys(join(store.list("")))).containsExactly("sst/done");
    }
  }

  @Test
  void aDirectoryBucketUriGoesToTheZonalEndpointVirtualHosted() {
    S3Config config =
        S3ObjectStoreProvider.config(
                URI.create(
                    "s3://name--usw2-az1--x-s3/prefix?region=us-west-2"
                        + "&accessKey=AKIAIOSFODNN7EXAMPLE&secretKey=wJalrXUtnFEMI"))
            .toBuilder()
            .maxAttempts(1)
            .build();
    assertThat(config.directoryBucket()).isTrue();
    assertThat(config.pathStyle()).isFalse();
    assertThat(config.endpoint()).isEmpty();
    List<String> hosts = new CopyOnWriteArrayList<>();
    List<String> paths = new CopyOnWriteArrayList<>();
    ExecutionInterceptor stop =
        new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(
              Context.BeforeTransmission context, ExecutionAttributes attributes) {
            hosts.add(context.httpRequest().protocol() + "://" + context.httpRequest().host());
            paths.add(context.httpRequest().encodedPath());
            throw new IllegalStateException("not sent: this test has no network");
          }
        };
    try (S3ObjectStore store = S3ObjectStore.open(config, List.of(stop))) {
      assertThat(store.region()).isEqualTo("us-west-2");
      assertThatThrownBy(() -> join(store.head("k"))).hasMessageContaining("not sent");
    }
    // The SDK first creates an S3 Express session, on the same zonal endpoint.
    assertThat(hosts)
        .isNotEmpty()
        .allMatch(
            h ->
                h.equals(
                    "https://name--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com"));
    assertThat(paths)
        .as("virtual-hosted: no bucket in the path")
        .noneMatch(p -> p.contains("x-s3"));
  }
}
