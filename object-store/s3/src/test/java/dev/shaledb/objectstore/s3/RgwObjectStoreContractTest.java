package dev.shaledb.objectstore.s3;

import dev.shaledb.objectstore.AbstractObjectStoreContractTest;
import dev.shaledb.objectstore.ObjectStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * The store contract against a real Ceph RADOS Gateway (the RGW tier, {@link RgwTarget}; skipped
 * unless it is configured), with the smallest part size S3 allows so that the suite's large object
 * goes through a multipart upload. Every test gets its own key prefix in the tier's bucket, which
 * is deleted afterwards.
 */
class RgwObjectStoreContractTest extends AbstractObjectStoreContractTest {
  private static final long PART = 5L << 20;

  private static RgwTarget rgw;

  private final String prefix;

  RgwObjectStoreContractTest(TestInfo test) {
    // Runs after target(): JUnit makes the instance only once the class's @BeforeAll passed.
    this.prefix = rgw.uniquePrefix(test.getTestMethod().orElseThrow().getName());
  }

  @BeforeAll
  static void target() {
    rgw = RgwTarget.assumeConfigured();
  }

  @Override
  protected ObjectStore newStore() {
    return S3ObjectStore.open(
        configure(rgw.config(prefix).partSizeBytes(PART).multipartThresholdBytes(PART)).build());
  }

  /** Subclasses run the suite with other settings, such as an encryption. */
  protected S3Config.Builder configure(S3Config.Builder config) {
    return config;
  }

  @Override
  protected long multipartThreshold() {
    return PART;
  }

  /** RGW 16 answers a lost If-Match race with 500 (ECANCELED): docs/compatibility.md. */
  @Override
  protected boolean lostRacesMayBeUnknown() {
    return true;
  }

  @AfterEach
  void deleteWhatTheTestWrote() {
    rgw.deletePrefix(prefix);
  }
}
