package dev.shaledb.objectstore.s3;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test class against one S3Proxy per class whose blob store injects faults ({@link #faults}),
 * with a fresh bucket and store per test, configured by {@link #configure}. JUnit runs test classes
 * one at a time here, so the static server belongs to the running class.
 */
abstract class FaultyS3TestBase {
  static S3TestServer server;
  static FaultInjectingBlobStore faults;

  String bucket;
  S3ObjectStore store;

  @BeforeAll
  static void startServer() {
    server = S3TestServer.start(s -> faults = new FaultInjectingBlobStore(s));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void openStore() {
    bucket = server.createBucket();
    store = S3ObjectStore.open(configure(server.config(bucket)).build());
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** The configuration of each test's store, given the server's for its bucket. */
  abstract S3Config.Builder configure(S3Config.Builder config);
}
