package dev.shaledb.objectstore.s3;

import static dev.shaledb.objectstore.UriAssertions.assertBad;
import static dev.shaledb.objectstore.UriAssertions.assertRefusedWithout;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStores;
import dev.shaledb.objectstore.RetryingObjectStore;
import dev.shaledb.objectstore.SelfRetryingObjectStore;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** {@code s3://} URIs, as {@link ObjectStores#open(String)} hands them to the S3 module. */
class S3ObjectStoreProviderTest {
  @Test
  void objectStoresFindsTheS3StoreThroughItsProvider() {
    String uri =
        "s3://bucket/db?endpoint=http://127.0.0.1:9&region=us-east-1&accessKey=AK&secretKey=SK";
    try (ObjectStore store = ObjectStores.open(uri)) {
      assertThat(store).isInstanceOf(S3ObjectStore.class);
      assertThat(((S3ObjectStore) store).config())
          .isEqualTo(S3ObjectStoreProvider.config(URI.create(uri)));
    }
  }

  @Test
  void theS3StoreIsItsStacksOneRetryLayer() {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (ObjectStore store =
        ObjectStores.open("s3://bucket?endpoint=http://127.0.0.1:9&region=us-east-1")) {
      assertThat(store).isInstanceOf(SelfRetryingObjectStore.class);
      assertThatThrownBy(() -> new RetryingObjectStore(store, scheduler, 1L))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("S3ObjectStore already retries; one retry layer per stack");
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void parsesS3Uris() {
    String uri =
        "s3://bucket/some/prefix/?endpoint=http://127.0.0.1:9090&region=eu-west-1"
            + "&pathStyle=true&accessKey=AK&secretKey=SK&maxConnections=7";
    S3Config config = S3ObjectStoreProvider.config(URI.create(uri));
    assertThat(config.bucket()).isEqualTo("bucket");
    assertThat(config.prefix()).isEqualTo("some/prefix/");
    assertThat(config.endpoint()).contains(URI.create("http://127.0.0.1:9090"));
    assertThat(config.region()).contains("eu-west-1");
    assertThat(config.pathStyle()).isTrue();
    assertThat(config.directoryBucket()).isFalse();
    assertThat(config.maxConnections()).isEqualTo(7);
  }

  @Test
  void parsesDirectoryBucketUris() {
    S3Config express =
        S3ObjectStoreProvider.config(
            URI.create("s3://name--usw2-az1--x-s3/prefix?region=us-west-2"));
    assertThat(express.directoryBucket()).as("from the name").isTrue();
    assertThat(express.pathStyle()).isFalse();
    assertThat(express.prefix()).isEqualTo("prefix/");
    assertThat(express.region()).contains("us-west-2");
    assertThat(
            S3ObjectStoreProvider.config(URI.create("s3://bucket?directoryBucket=true"))
                .directoryBucket())
        .isTrue();
    assertThat(
            S3ObjectStoreProvider.config(URI.create("s3://a--usw2-az1--x-s3?directoryBucket=false"))
                .directoryBucket())
        .isFalse();
    assertThat(S3ObjectStoreProvider.config(URI.create("s3://bucket")).region())
        .as("left to the SDK's default region chain")
        .isEmpty();
  }

  @Test
  void errorsAboutAUriNeverShowItsSecretKeyOrWholeAccessKey() {
    String keys = "accessKey=AKIAIOSFODNN7EXAMPLE&secretKey=wJalrXUtnFEMI";
    for (String uri :
        List.of(
            "s3://b?" + keys + "&color=red",
            "s3://b?" + keys + "&pathStyle=yes",
            "s3://b?" + keys + "&maxConnections=many",
            "s3://b?" + keys + "&partSizeBytes=1024",
            "s3://b?" + keys + "&region=a&region=b",
            "s3://b?" + keys + "&endpoint=ftp://host",
            "s3://b?" + keys + "&endpoint=http://bad%20host:x",
            "s3://b?secretKey=wJalrXUtnFEMI",
            "s3://b?" + keys.replace("&", "&secretKeywJalrXUtnFEMI&"),
            "s3:///?" + keys)) {
      assertRefusedWithout(uri, "wJalrXUtnFEMI", "IOSFODNN");
    }
  }

  @Test
  void parsesMultipartSizes() {
    String uri = "s3://bucket?partSizeBytes=5242880&multipartThresholdBytes=6291456";
    S3Config config = S3ObjectStoreProvider.config(URI.create(uri));
    assertThat(config.partSizeBytes()).isEqualTo(5L << 20);
    assertThat(config.multipartThresholdBytes()).isEqualTo(6L << 20);
  }

  @Test
  void badUrisNameTheProblem() {
    assertBad("s3:///prefix", "no bucket");
    assertBad("s3://b?color=red", "unknown parameter 'color'");
    assertBad("s3://b?region", "has no value");
    assertBad("s3://b?pathStyle=yes", "must be true or false");
    assertBad("s3://b?maxConnections=many", "not a number");
    assertBad("s3://b?partSizeBytes=5MiB", "not a number");
    assertBad("s3://bucket?partSizeBytes=1024", "outside S3's [5 MiB, 5 GiB]");
    assertBad("s3://b?accessKey=a", "both accessKey and secretKey");
    assertBad("s3://b?region=a&region=b", "repeated");
  }

  /** Standard base64 of bytes 0..31; its '+' and '/' test the URL decoding. */
  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  private static byte[] keyBytes() {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) i;
    }
    return key;
  }

  private static S3Encryption encryption(String query) {
    return S3ObjectStoreProvider.config(URI.create("s3://bucket?" + query)).encryption();
  }

  @Test
  void parsesEncryption() {
    assertThat(S3ObjectStoreProvider.config(URI.create("s3://bucket")).encryption())
        .isEqualTo(S3Encryption.none());
    assertThat(encryption("sse=AES256")).isEqualTo(S3Encryption.s3Managed());
    assertThat(encryption("sse=aws:kms")).isEqualTo(S3Encryption.kms(Optional.empty(), false));
    assertThat(
            encryption("sse=aws%3Akms&sseKmsKeyId=arn:aws:kms:eu-west-1:1:key/k&sseBucketKey=true"))
        .isEqualTo(S3Encryption.kms(Optional.of("arn:aws:kms:eu-west-1:1:key/k"), true));
    assertThat(encryption("sse=aws:kms&sseBucketKey=false"))
        .isEqualTo(S3Encryption.kms(Optional.empty(), false));
    S3Encryption expected = S3Encryption.customerKey(keyBytes());
    String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(keyBytes());
    assertThat(encryption("sseCustomerKey=" + KEY.replace("=", "%3D")))
        .as("percent-encoded")
        .isEqualTo(expected);
    assertThat(encryption("sseCustomerKey=" + KEY))
        .as("raw: URL decoding makes a space of no '+' here, and '=' after the first is kept")
        .isEqualTo(expected);
    byte[] plusKey = new byte[32];
    System.arraycopy(new byte[] {-5, -17, -66}, 0, plusKey, 0, 3);
    String plus = Base64.getEncoder().encodeToString(plusKey);
    assertThat(plus).as("the case needs a '+'").contains("+");
    assertThat(encryption("sseCustomerKey=" + plus))
        .as("an unescaped '+' that URL decoding turned into a space")
        .isEqualTo(S3Encryption.customerKey(plusKey));
    assertThat(encryption("sseCustomerKey=" + urlSafe)).as("URL-safe base64").isEqualTo(expected);
  }

  @Test
  void badEncryptionParametersNameTheProblemAndNeverTheKey() {
    assertBad("s3://b?sse=aes256", "parameter 'sse'");
    assertBad("s3://b?sse=SSE-C", "must be AES256 or aws:kms, not 'SSE-C'");
    assertBad("s3://b?sseKmsKeyId=alias/x", "need sse=aws:kms");
    assertBad("s3://b?sse=AES256&sseBucketKey=true", "need sse=aws:kms");
    assertBad("s3://b?sse=aws:kms&sseBucketKey=yes", "parameter 'sseBucketKey'");
    assertBad("s3://b?sse=aws:kms&sseKmsKeyId=%20", "parameter 'sseKmsKeyId'");
    assertBad("s3://b?sse=AES256&sseCustomerKey=" + KEY, "excludes 'sse'");
    assertBad("s3://logs--usw2-az1--x-s3?sseCustomerKey=" + KEY, "does not support SSE-C");
    String shortKey = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(UTF_8));
    String longKey = Base64.getEncoder().encodeToString(new byte[33]);
    for (String uri :
        List.of(
            "s3://b?sseCustomerKey=" + shortKey,
            "s3://b?sseCustomerKey=" + longKey,
            "s3://b?sseCustomerKey=" + shortKey + "!!",
            "s3://b?sseCustomerKey" + shortKey,
            "s3://b?sseCustomerKey=" + shortKey + "&sseCustomerKey=" + shortKey,
            "s3://b?sseCustomerKey=" + shortKey + "&color=red",
            "s3://b?sseCustomerKey=" + shortKey + "&sse=AES256")) {
      assertRefusedWithout(uri, shortKey, shortKey.substring(0, 8), longKey);
    }
    assertBad("s3://b?sseCustomerKey=" + shortKey, "base64 of 32 bytes (AES-256), not of 16");
    assertBad("s3://b?sseCustomerKey=" + shortKey + "!!", "is not base64");
  }
}
