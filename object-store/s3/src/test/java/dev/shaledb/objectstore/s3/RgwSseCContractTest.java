package dev.shaledb.objectstore.s3;

/**
 * The store contract on Ceph RGW with SSE-C on every request (the RGW tier; skipped unless it is
 * configured). RGW refuses a read or HEAD of an SSE-C object without its key, so any request kind
 * the store sends without it, the HEADs that resolve puts included, fails the suite.
 */
class RgwSseCContractTest extends RgwObjectStoreContractTest {
  RgwSseCContractTest(org.junit.jupiter.api.TestInfo test) {
    super(test);
  }

  @Override
  protected S3Config.Builder configure(S3Config.Builder config) {
    return config.encryption(S3EncryptionTest.key(0x5c));
  }
}
