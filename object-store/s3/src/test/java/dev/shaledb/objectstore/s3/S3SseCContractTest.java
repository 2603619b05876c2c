package dev.shaledb.objectstore.s3;

import dev.shaledb.objectstore.AbstractObjectStoreContractTest;
import dev.shaledb.objectstore.ObjectStore;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract with SSE-C on every request: S3Proxy refuses a read, HEAD or part upload of an
 * SSE-C object without its key, so any request kind that lacked it fails the suite. Multipart as in
 * {@link S3ObjectStoreContractTest}.
 */
class S3SseCContractTest extends AbstractObjectStoreContractTest {
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
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0x5c);
    return S3ObjectStore.open(
        server
            .config(server.createBucket())
            .partSizeBytes(PART)
            .multipartThresholdBytes(PART)
            .encryption(S3Encryption.customerKey(key))
            .build());
  }

  @Override
  protected long multipartThreshold() {
    return PART;
  }
}
