package dev.shaledb.objectstore.s3;

import dev.shaledb.objectstore.AbstractObjectStoreContractTest;
import dev.shaledb.objectstore.ObjectStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract with SSE-S3 on every write: S3Proxy refuses SSE-S3 headers on GET and HEAD, so
 * a read that carried them fails the suite. Multipart as in {@link S3ObjectStoreContractTest}.
 */
class S3SseS3ContractTest extends AbstractObjectStoreContractTest {
  private static final long PART = S3Config.MIN_PART_SIZE;

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
    return S3ObjectStore.open(
        server
            .config(server.createBucket())
            .partSizeBytes(PART)
            .multipartThresholdBytes(PART)
            .encryption(S3Encryption.s3Managed())
            .build());
  }

  @Override
  protected long multipartThreshold() {
    return PART;
  }
}
