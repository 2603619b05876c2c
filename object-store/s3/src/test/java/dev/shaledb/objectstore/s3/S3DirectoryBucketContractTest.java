package dev.shaledb.objectstore.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.AbstractObjectStoreContractTest;
import dev.shaledb.objectstore.ObjectStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract with the directory-bucket flag forced on, against a server that lists as an S3
 * Express One Zone directory bucket does ({@link DirectoryBucketBlobStore}: unordered, no
 * StartAfter, prefixes only up to a '/'): the contract's sorted listings with {@code startAfter}
 * hold all the same. The server answers 400 to a listing the store must not send, so every listing
 * test here also shows that none was sent.
 */
class S3DirectoryBucketContractTest extends AbstractObjectStoreContractTest {
  private static final long PART = 5L << 20;

  private static S3TestServer server;
  private static DirectoryBucketBlobStore directory;

  @BeforeAll
  static void startServer() {
    server = S3TestServer.start(s -> directory = new DirectoryBucketBlobStore(s));
  }

  @AfterAll
  static void stopServer() {
    // Not vacuous: listings went through the directory bucket's rules.
    assertThat(directory.listedPrefixes).isNotEmpty().allMatch(p -> p.isEmpty() || p.endsWith("/"));
    server.close();
  }

  @Override
  protected ObjectStore newStore() {
    String bucket = server.createBucket();
    return S3ObjectStore.open(
        server
            .config(bucket)
            .directoryBucket(true)
            .partSizeBytes(PART)
            .multipartThresholdBytes(PART)
            .build());
  }

  @Override
  protected long multipartThreshold() {
    return PART;
  }
}
