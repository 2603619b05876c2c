package dev.shaledb.objectstore.s3;

import static dev.shaledb.objectstore.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PutCondition;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * What Ceph RGW 16 answers to each server-side encryption mode (the RGW tier; skipped unless it is
 * configured; docs/s3.md, "Encryption at rest"). scripts/ceph-rgw.sh allows SSE over http and gives
 * RGW's testing KMS backend one key. The whole contract with SSE-C is {@link RgwSseCContractTest}.
 */
class RgwEncryptionTest {
  private static final long PART = S3Config.MIN_PART_SIZE;

  private static RgwTarget rgw;

  private final String prefix;

  RgwEncryptionTest(TestInfo test) {
    this.prefix = rgw.uniquePrefix(test.getTestMethod().orElseThrow().getName());
  }

  @BeforeAll
  static void target() {
    rgw = RgwTarget.assumeConfigured();
  }

  @AfterEach
  void deleteWhatTheTestWrote() {
    rgw.deletePrefix(prefix);
  }

  private S3ObjectStore open(S3Encryption encryption) {
    return S3ObjectStore.open(
        rgw.config(prefix)
            .partSizeBytes(PART)
            .multipartThresholdBytes(PART)
            .encryption(encryption)
            .build());
  }

  private HeadObjectResponse rawHead(String key) {
    return rgw.client().headObject(b -> b.bucket(rgw.bucket()).key(prefix + key)).join();
  }

  /** A single PUT and a multipart upload, each read back whole and by range. */
  private static void roundTrips(S3ObjectStore store) {
    byte[] small = {1, 2, 3};
    join(store.put("small", small, PutCondition.ifAbsent()));
    assertThat(join(store.get("small")).data()).isEqualTo(small);
    byte[] big = new byte[(int) (PART + 7)];
    Arrays.fill(big, (byte) 7);
    big[(int) PART] = 42;
    assertThat(join(store.put("big", big, PutCondition.none())).size()).isEqualTo(big.length);
    assertThat(join(store.get("big", ByteRange.of(PART, 2))).data()).containsExactly(42, 7);
    assertThat(join(store.head("big")).size()).isEqualTo(big.length);
  }

  @Test
  void sseCObjectsAreReadableOnlyWithTheirKey() {
    try (S3ObjectStore keyed = open(S3EncryptionTest.key(1))) {
      roundTrips(keyed);
    }
    try (S3ObjectStore plain = open(S3Encryption.none());
        S3ObjectStore other = open(S3EncryptionTest.key(2))) {
      assertThatThrownBy(() -> join(plain.get("small"))).isInstanceOf(ObjectStoreException.class);
      assertThatThrownBy(() -> join(plain.head("big"))).isInstanceOf(ObjectStoreException.class);
      assertThatThrownBy(() -> join(other.get("big", ByteRange.of(0, 10))))
          .isInstanceOf(ObjectStoreException.class);
    }
  }

  @Test
  void sseKmsWithTheTestingBackendsKeyEncryptsAndReadsBack() {
    Optional<String> keyId = rgw.kmsKeyId();
    org.junit.jupiter.api.Assumptions.assumeTrue(keyId.isPresent(), "no shaledb.s3.kmsKeyId");
    try (S3ObjectStore kms = open(S3Encryption.kms(keyId, false))) {
      roundTrips(kms);
    }
    HeadObjectResponse head = rawHead("big");
    assertThat(head.serverSideEncryptionAsString()).isEqualTo("aws:kms");
    assertThat(head.ssekmsKeyId()).isEqualTo(keyId.get());
    try (S3ObjectStore plain = open(S3Encryption.none())) {
      assertThat(join(plain.get("small")).data()).containsExactly(1, 2, 3);
    }
  }

  // RGW 16 accepts SSE-S3 and stores the object unencrypted, echoing nothing (measured
  // 2026-12-04): the store refuses to go on rather than keep data in the clear silently.
  @Test
  void sseS3IsRefusedBecauseRgw16IgnoresIt() {
    try (S3ObjectStore managed = open(S3Encryption.s3Managed())) {
      assertThatThrownBy(() -> join(managed.put("small", new byte[] {1}, PutCondition.ifAbsent())))
          .isInstanceOf(ObjectStoreException.class)
          .hasMessageContaining("did not apply the requested server-side encryption");
      assertThat(rawHead("small").serverSideEncryptionAsString())
          .as("stored in the clear")
          .isNull();
      byte[] big = new byte[(int) (PART + 1)];
      assertThatThrownBy(() -> join(managed.put("big", big, PutCondition.none())))
          .isInstanceOf(ObjectStoreException.class)
          .hasMessageContaining("CreateMultipartUpload");
      assertThat(join(managed.list("big", null))).as("refused before any part").isEmpty();
    }
  }

  /** What a PutObject's answer echoes in each mode: what the store's check relies on. */
  @Test
  void aPutsAnswerEchoesSseCAndKmsButNotSseS3() {
    S3Encryption.CustomerKey c = S3EncryptionTest.key(3);
    PutObjectResponse sseC =
        rawPut(
            "c",
            b ->
                b.sseCustomerAlgorithm("AES256")
                    .sseCustomerKey(c.keyBase64())
                    .sseCustomerKeyMD5(c.keyMd5()));
    assertThat(sseC.sseCustomerAlgorithm()).isEqualTo("AES256");
    assertThat(sseC.sseCustomerKeyMD5()).isEqualTo(c.keyMd5());
    assertThat(rawPut("s3", b -> b.serverSideEncryption("AES256")).serverSideEncryption()).isNull();
    Optional<String> keyId = rgw.kmsKeyId();
    if (keyId.isPresent()) {
      PutObjectResponse kms =
          rawPut("kms", b -> b.serverSideEncryption("aws:kms").ssekmsKeyId(keyId.get()));
      assertThat(kms.serverSideEncryptionAsString()).isEqualTo("aws:kms");
    }
  }

  private PutObjectResponse rawPut(String key, UnaryOperator<PutObjectRequest.Builder> sse) {
    return rgw.client()
        .putObject(
            sse.apply(PutObjectRequest.builder().bucket(rgw.bucket()).key(prefix + key)).build(),
            AsyncRequestBody.fromString(key))
        .join();
  }
}
