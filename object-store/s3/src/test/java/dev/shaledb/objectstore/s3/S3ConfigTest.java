package dev.shaledb.objectstore.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class S3ConfigTest {
  private static S3Config.Builder valid() {
    return S3Config.builder("my-bucket");
  }

  @Test
  void defaultsSuitAws() {
    S3Config config = valid().build();
    assertThat(config.prefix()).isEmpty();
    assertThat(config.endpoint()).isEmpty();
    assertThat(config.credentials()).as("default provider chain").isEmpty();
    assertThat(config.region())
        .as("the SDK's default region chain, when the store opens")
        .isEmpty();
    assertThat(config.pathStyle()).isFalse();
    assertThat(config.directoryBucket()).isFalse();
    assertThat(config.multipartThresholdBytes()).isEqualTo(16L << 20);
    assertThat(config.partSizeBytes()).isEqualTo(16L << 20);
    assertThat(config.maxSinglePutBytes()).as("S3's single PUT limit").isEqualTo(5L << 30);
    assertThat(config.maxObjectBytes()).isEqualTo((16L << 20) * 10_000);
    assertThat(config.toBuilder().build()).isEqualTo(config);
  }

  @Test
  void prefixGetsItsTrailingSlash() {
    assertThat(valid().prefix("db").build().prefix()).isEqualTo("db/");
    assertThat(valid().prefix("a/b/").build().prefix()).isEqualTo("a/b/");
  }

  @Test
  void invalidSettingsAreRejectedByName() {
    assertInvalid(S3Config.builder("Upper_Case"), "bucket");
    assertInvalid(S3Config.builder("ab"), "bucket");
    assertInvalid(valid().prefix("/abs"), "segment");
    assertInvalid(valid().prefix("a//b"), "segment");
    assertInvalid(valid().endpoint(URI.create("ftp://host")), "endpoint");
    assertInvalid(valid().endpoint(URI.create("http:relative")), "endpoint");
    assertInvalid(valid().region(""), "region");
    assertInvalid(valid().maxConnections(0), "maxConnections");
    assertInvalid(valid().maxAttempts(0), "maxAttempts");
    assertInvalid(valid().partSizeBytes(S3Config.MIN_PART_SIZE - 1), "partSizeBytes");
    assertInvalid(
        valid().partSizeBytes(6L << 20).multipartThresholdBytes(5L << 20),
        "multipartThresholdBytes");
    assertInvalid(valid().maxSinglePutBytes((5L << 30) + 1), "maxSinglePutBytes");
    assertInvalid(
        valid().multipartThresholdBytes(32L << 20).maxSinglePutBytes(16L << 20),
        "maxSinglePutBytes");
    assertInvalid(valid().apiCallTimeout(Duration.ZERO), "apiCallTimeout");
    assertInvalid(
        valid().attemptTimeout(Duration.ofMinutes(5)).apiCallTimeout(Duration.ofMinutes(1)),
        "attemptTimeout");
    assertThatThrownBy(() -> valid().credentials("", "secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("accessKeyId");
    assertThatThrownBy(() -> S3Config.builder(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("bucket");
  }

  private static void assertInvalid(S3Config.Builder builder, String problem) {
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem);
  }

  @Test
  void directoryBucketsAreKnownByTheirNameUnlessSaidOtherwise() {
    S3Config express = S3Config.builder("logs--usw2-az1--x-s3").build();
    assertThat(express.directoryBucket()).isTrue();
    assertThat(valid().build().directoryBucket()).isFalse();
    assertThat(valid().directoryBucket(true).build().directoryBucket()).isTrue();
    assertThat(express.toBuilder().directoryBucket(false).build().directoryBucket()).isFalse();
    // A copy keeps an override, but a name decides again when the override is gone.
    S3Config forced = valid().directoryBucket(true).build();
    assertThat(forced.toBuilder().build()).isEqualTo(forced);
    assertThat(express.toBuilder().bucket("plain-bucket").build().directoryBucket()).isFalse();
    assertThat(S3Config.isDirectoryBucketName("a--use1-az4--x-s3")).isTrue();
    assertThat(S3Config.isDirectoryBucketName("x-s3-data")).isFalse();
  }

  @Test
  void secretsStayOutOfToString() {
    String text =
        valid()
            .credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI")
            .endpoint(URI.create("http://admin:hunter2@127.0.0.1:9000"))
            .build()
            .toString();
    assertThat(text)
        .contains("accessKeyId=AKIA***", "secretAccessKey=***", "bucket=my-bucket")
        .doesNotContain("wJalrXUtnFEMI")
        .doesNotContain("IOSFODNN")
        .doesNotContain("hunter2");
    assertThat(new S3Config.Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI").toString())
        .doesNotContain("IOSFODNN")
        .doesNotContain("wJalrXUtnFEMI");
  }

  private static byte[] key(int seed) {
    byte[] key = new byte[S3Encryption.CustomerKey.KEY_BYTES];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (seed + i);
    }
    return key;
  }

  @Test
  void encryptionIsNoneUnlessAsked() {
    assertThat(valid().build().encryption()).isEqualTo(S3Encryption.none());
    S3Config kms = valid().encryption(S3Encryption.kms(Optional.of("alias/db"), true)).build();
    assertThat(kms.encryption())
        .isEqualTo(new S3Encryption.Kms(Optional.of("alias/db"), true))
        .hasToString("kms[keyId=alias/db, bucketKeyEnabled=true]");
    assertThat(kms.toBuilder().build()).as("toBuilder keeps it").isEqualTo(kms);
    assertThat(S3Encryption.kms(Optional.empty(), false).toString()).contains("aws/s3");
    assertThat(S3Encryption.s3Managed().toString()).contains("AES256");
  }

  @Test
  void customerKeyIsExactly32BytesAndNamedInTheMessageWithoutItsBytes() {
    for (int length : new int[] {0, 16, 31, 33, 64}) {
      byte[] bad = new byte[length];
      assertThatThrownBy(() -> S3Encryption.customerKey(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must be 32 bytes (AES-256), not " + length + " bytes");
    }
    assertThatThrownBy(() -> S3Encryption.customerKey(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("customer key is null");
    assertThatThrownBy(() -> S3Encryption.kms(Optional.of(" "), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyId is blank");
    assertThatThrownBy(() -> valid().encryption(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("encryption is null");
  }

  @Test
  void customerKeyIsCopiedAndItsMd5ComputedOnce() throws Exception {
    byte[] bytes = key(1);
    S3Encryption.CustomerKey key = (S3Encryption.CustomerKey) S3Encryption.customerKey(bytes);
    String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
    assertThat(key.keyMd5()).isEqualTo(md5);
    assertThat(key.keyBase64()).isEqualTo(Base64.getEncoder().encodeToString(bytes));
    Arrays.fill(bytes, (byte) 0); // the caller wipes its array: the store's copy must not change
    assertThat(key.keyBase64()).isEqualTo(Base64.getEncoder().encodeToString(key(1)));
    assertThat(key).isEqualTo(S3Encryption.customerKey(key(1)));
    assertThat(key).isNotEqualTo(S3Encryption.customerKey(key(2)));
    assertThat(key.hashCode()).isEqualTo(S3Encryption.customerKey(key(1)).hashCode());
  }

  @Test
  void customerKeyStaysOutOfToString() {
    byte[] bytes = key(7);
    String base64 = Base64.getEncoder().encodeToString(bytes);
    S3Encryption.CustomerKey key = (S3Encryption.CustomerKey) S3Encryption.customerKey(bytes);
    S3Config config = valid().encryption(key).build();
    assertThat(key.toString()).isEqualTo("customerKey[md5=" + key.keyMd5() + "]");
    assertThat(config.toString())
        .contains("encryption=customerKey[md5=" + key.keyMd5() + "]")
        .doesNotContain(base64)
        .doesNotContain(base64.substring(0, 12));
  }

  @Test
  void directoryBucketsRefuseCustomerKeys() {
    // AWS: directory buckets take SSE-S3 and SSE-KMS only.
    assertInvalid(
        S3Config.builder("logs--usw2-az1--x-s3").encryption(S3Encryption.customerKey(key(3))),
        "does not support SSE-C");
    assertThat(
            S3Config.builder("logs--usw2-az1--x-s3")
                .encryption(S3Encryption.kms(Optional.empty(), true))
                .build()
                .encryption())
        .isInstanceOf(S3Encryption.Kms.class);
  }
}
