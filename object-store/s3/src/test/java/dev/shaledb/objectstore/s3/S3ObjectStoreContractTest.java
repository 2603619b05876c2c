package dev.shaledb.objectstore.s3;

import dev.shaledb.objectstore.AbstractObjectStoreContractTest;
import dev.shaledb.objectstore.ObjectStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract against a real S3 server (S3Proxy), with the smallest part size S3 allows so
 * that the suite's large object goes through a multipart upload.
 */
class S3ObjectStoreContractTest extends AbstractObjectStoreContractTest {
  private static final long PART = 5L << 20;

  private static S3TestServer server;

  @BeforeAll
  static void startServer() {
    server = S3TestServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected ObjectStore newStore() {
    String bucket = server.createBucket();
    return S3ObjectStore.open(
        configure(server.config(bucket).partSizeBytes(PART).multipartThresholdBytes(PART)).build());
  }

  /** Subclasses run the suite with other settings, such as an encryption. */
  protected S3Config.Builder configure(S3Config.Builder config) {
    return config;
  }

  @Override
  protected long multipartThreshold() {
    return PART;
  }
}
