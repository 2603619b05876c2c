package dev.shaledb.objectstore.s3;

import java.util.Arrays;

/**
 * The store contract with SSE-C on every request: S3Proxy refuses a read, HEAD or part upload of an
 * SSE-C object without its key, so any request kind that lacked it fails the suite.
 */
class S3SseCContractTest extends S3ObjectStoreContractTest {
  @Override
  protected S3Config.Builder configure(S3Config.Builder config) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0x5c);
    return config.encryption(S3Encryption.customerKey(key));
  }
}
