package dev.shaledb.objectstore.s3;

/**
 * The store contract with SSE-S3 on every write: S3Proxy refuses SSE-S3 headers on GET and HEAD, so
 * a read that carried them fails the suite.
 */
class S3SseS3ContractTest extends S3ObjectStoreContractTest {
  @Override
  protected S3Config.Builder configure(S3Config.Builder config) {
    return config.encryption(S3Encryption.s3Managed());
  }
}
