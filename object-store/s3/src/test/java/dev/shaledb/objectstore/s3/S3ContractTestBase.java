package dev.shaledb.objectstore.s3;

import dev.shaledb.objectstore.AbstractObjectStoreContractTest;
import dev.shaledb.objectstore.ObjectStore;

/**
 * The store contract on an S3 server in this JVM ({@link S3TestServer}), a fresh bucket per test,
 * with the smallest part size S3 allows so that the suite's large object goes up in parts.
 * Subclasses start the server (each with its own decorator) and may adjust the config.
 */
abstract class S3ContractTestBase extends AbstractObjectStoreContractTest {
  private static final long PART = S3Config.MIN_PART_SIZE;

  /** The running server of the subclass. */
  protected abstract S3TestServer server();

  /** Adjusts the config of each test's store; the default keeps it. */
  protected S3Config.Builder configure(S3Config.Builder config) {
    return config;
  }

  @Override
  protected final ObjectStore newStore() {
    S3Config.Builder config = server().config(server().createBucket());
    return S3ObjectStore.open(
        configure(config.partSizeBytes(PART).multipartThresholdBytes(PART)).build());
  }

  @Override
  protected final long multipartThreshold() {
    return PART;
  }
}
