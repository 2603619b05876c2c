package dev.shaledb.objectstore.s3;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract against a real S3 server (S3Proxy), with the smallest part size S3 allows so
 * that the suite's large object goes through a multipart upload.
 */
class S3ObjectStoreContractTest extends S3ContractTestBase {
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
  protected S3TestServer server() {
    return server;
  }
}
