package dev.shaledb.objectstore.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The check that a server applied the encryption asked for, from the echo in its answer (Ceph RGW
 * 16 ignores SSE-S3 and echoes nothing: {@code RgwEncryptionTest}).
 */
class S3SseTest {
  @Test
  void anAnswerWithoutTheEchoOfTheModeAskedForIsNotApplied() {
    S3Sse none = new S3Sse(S3Encryption.none());
    assertThat(none.notApplied(null, null, null)).isEmpty();

    S3Sse managed = new S3Sse(S3Encryption.s3Managed());
    assertThat(managed.notApplied("AES256", null, null)).isEmpty();
    assertThat(managed.notApplied(null, null, null)).get().asString().contains("echoes none");
    assertThat(managed.notApplied("aws:kms", null, null)).isPresent();

    S3Sse kms = new S3Sse(S3Encryption.kms(Optional.of("alias/k"), false));
    assertThat(kms.notApplied("aws:kms", null, null)).as("key ids are not compared").isEmpty();
    assertThat(kms.notApplied("AES256", null, null)).isPresent();

    S3Encryption.CustomerKey key = S3EncryptionTest.key(7);
    S3Sse customer = new S3Sse(key);
    assertThat(customer.notApplied(null, "AES256", key.keyMd5())).isEmpty();
    assertThat(customer.notApplied(null, null, null)).isPresent();
    assertThat(customer.notApplied(null, "AES256", S3EncryptionTest.key(8).keyMd5()))
        .get()
        .asString()
        .contains("another key MD5")
        .doesNotContain(key.keyBase64());
  }
}
