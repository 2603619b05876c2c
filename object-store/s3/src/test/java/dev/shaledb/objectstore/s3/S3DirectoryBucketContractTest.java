package dev.shaledb.objectstore.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract with the directory-bucket flag forced on, against a server that lists as an S3
 * Express One Zone directory bucket does ({@link DirectoryBucketBlobStore}: unordered, no
 * StartAfter, prefixes only up to a '/'): the contract's sorted listings with {@code startAfter}
 * hold all the same. The server answers 400 to a listing the store must not send, so every listing
 * test here also shows that none was sent.
 */
class S3DirectoryBucketContractTest extends S3ContractTestBase {
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
  protected S3TestServer server() {
    return server;
  }

  @Override
  protected S3Config.Builder configure(S3Config.Builder config) {
    return config.directoryBucket(true);
  }
}
