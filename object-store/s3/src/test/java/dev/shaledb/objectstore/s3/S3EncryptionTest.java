package dev.shaledb.objectstore.s3;

import static dev.shaledb.objectstore.Futures.join;
import static dev.shaledb.objectstore.s3.FaultInjectingBlobStore.applyThenFail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PreconditionFailedException;
import dev.shaledb.objectstore.PutCondition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Server-side encryption against S3Proxy 4.1.0 (docs/s3.md, "Encryption at rest"): which headers
 * each request kind carries in each mode (recorded as signed, on the wire), and what S3Proxy does
 * with them. S3Proxy enforces SSE-C as S3 does (a read without the key, or with another, is refused
 * with 400), so a request that lacked the key would fail here; the HEADs that resolve puts are
 * forced by {@link RgwQuirksBlobStore} (quoted {@code If-Match} refused, no completion ETag) and
 * {@link FaultInjectingBlobStore} (an applied put answered with 500).
 */
class S3EncryptionTest {
  private static final long PART = S3Config.MIN_PART_SIZE;
  private static final String SSE = "x-amz-server-side-encryption";
  private static final String KMS_KEY = SSE + "-aws-kms-key-id";
  private static final String BUCKET_KEY = SSE + "-bucket-key-enabled";
  private static final String C_ALGORITHM = SSE + "-customer-algorithm";
  private static final String C_KEY = SSE + "-customer-key";
  private static final String C_MD5 = SSE + "-customer-key-md5";

  private static S3TestServer server;
  private static FaultInjectingBlobStore faults;

  @BeforeAll
  static void startServer() {
    server =
        S3TestServer.start(s -> new RgwQuirksBlobStore(faults = new FaultInjectingBlobStore(s)));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  static S3Encryption.CustomerKey key(int seed) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) seed);
    return (S3Encryption.CustomerKey) S3Encryption.customerKey(key);
  }

  /** One request as signed and sent: its operation and its SSE headers (names in lower case). */
  record Sent(String operation, Map<String, String> sse) {}

  /** Records every request's SSE headers after signing, as they go on the wire. */
  static final class Recorder implements ExecutionInterceptor {
    final List<Sent> sent = new CopyOnWriteArrayList<>();

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      Map<String, String> sse = new TreeMap<>();
      context
          .httpRequest()
          .forEachHeader(
              (name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.startsWith(SSE)) {
                  sse.put(lower, String.join(",", values));
                }
              });
      sent.add(new Sent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), sse));
    }
  }

  private static S3ObjectStore open(String bucket, S3Encryption encryption, Recorder recorder) {
    S3Config config =
        server
            .config(bucket)
            .partSizeBytes(PART)
            .multipartThresholdBytes(PART)
            .encryption(encryption)
            .build();
    return S3ObjectStore.open(config, recorder == null ? List.of() : List.of(recorder));
  }

  /** The SSE headers S3 wants on {@code operation} in {@code mode}. */
  private static Map<String, String> expected(S3Encryption mode, String operation) {
    boolean creates = operation.equals("PutObject") || operation.equals("CreateMultipartUpload");
    boolean touchesObject =
        creates
            || List.of("UploadPart", "CompleteMultipartUpload", "GetObject", "HeadObject")
                .contains(operation);
    Map<String, String> headers = new TreeMap<>();
    if (mode instanceof S3Encryption.CustomerKey c && touchesObject) {
      headers.put(C_ALGORITHM, "AES256");
      headers.put(C_KEY, c.keyBase64());
      headers.put(C_MD5, c.keyMd5());
    } else if (mode instanceof S3Encryption.S3Managed && creates) {
      headers.put(SSE, "AES256");
    } else if (mode instanceof S3Encryption.Kms kms && creates) {
      headers.put(SSE, "aws:kms");
      kms.keyId().ifPresent(id -> headers.put(KMS_KEY, id));
      if (kms.bucketKeyEnabled()) {
        headers.put(BUCKET_KEY, "true");
      }
    }
    return headers;
  }

  /**
   * Every operation the store has, including the HEADs that resolve puts: a 500 after an applied
   * conditional put (resolved by write id), a 412 to a quoted {@code If-Match} (checked by HEAD,
   * then sent bare), a stale {@code If-Match} (checked by HEAD), and a multipart completion without
   * an ETag (its version taken from a HEAD).
   */
  private static void everyOperation(S3ObjectStore store) {
    byte[] big = new byte[(int) (2 * PART + 7)];
    big[(int) PART] = 42;
    assertThat(join(store.put("big", big, PutCondition.none())).size()).isEqualTo(big.length);
    assertThat(join(store.get("big", ByteRange.of(PART, 2))).data()).containsExactly(42, 0);
    faults.onNextWrite("small", applyThenFail(500, "InternalError"));
    ObjectMeta small = join(store.put("small", new byte[] {1, 2, 3}, PutCondition.ifAbsent()));
    ObjectMeta next =
        join(store.put("small", new byte[] {4}, PutCondition.ifMatch(small.version())));
    assertThatThrownBy(() -> join(store.put("small", new byte[] {5}, PutCondition.ifMatch("0"))))
        .isInstanceOf(PreconditionFailedException.class);
    assertThat(join(store.head("small")).version()).isEqualTo(next.version());
    assertThat(join(store.get("small")).data()).containsExactly(4);
    assertThat(join(store.list("", null))).hasSize(2);
    join(store.delete("small"));
  }

  @Test
  void eachModeSendsItsHeadersOnExactlyTheRequestsThatNeedThem() {
    List<S3Encryption> modes =
        List.of(
            S3Encryption.none(),
            S3Encryption.s3Managed(),
            S3Encryption.kms(Optional.of("alias/shaledb"), true),
            S3Encryption.kms(Optional.of("alias/shaledb"), false),
            key(1));
    for (S3Encryption mode : modes) {
      Recorder recorder = new Recorder();
      String bucket = server.createBucket();
      try (S3ObjectStore store = open(bucket, mode, recorder)) {
        everyOperation(store);
      }
      List<String> operations = recorder.sent.stream().map(Sent::operation).distinct().toList();
      assertThat(operations)
          .as("%s: every kind of request was seen", mode)
          .contains(
              "PutObject",
              "CreateMultipartUpload",
              "UploadPart",
              "CompleteMultipartUpload",
              "GetObject",
              "HeadObject",
              "ListObjectsV2",
              "DeleteObject");
      assertThat(recorder.sent.stream().filter(s -> s.operation.equals("HeadObject")).count())
          .as("%s: the HEADs of the put resolutions and the one of the test", mode)
          .isGreaterThanOrEqualTo(4);
      for (Sent sent : recorder.sent) {
        assertThat(sent.sse)
            .as("%s: %s", mode, sent.operation)
            .isEqualTo(expected(mode, sent.operation));
      }
    }
  }

  private static void assertRefused(Runnable read) {
    assertThatThrownBy(read::run)
        .isInstanceOfSatisfying(
            ObjectStoreException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessageContaining("HTTP 400");
  }

  /** The bytes the store beneath S3Proxy's front end holds for {@code key}. */
  private static byte[] storedBytes(String bucket, String key) {
    try (InputStream in = faults.delegate().getBlob(bucket, key)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void s3ProxyRefusesToReadAnSseCObjectWithoutItsKeyOrWithAnother() {
    String bucket = server.createBucket();
    byte[] small = "encrypted".getBytes(StandardCharsets.UTF_8);
    byte[] big = new byte[(int) (PART + 3)];
    big[big.length - 1] = 9;
    try (S3ObjectStore owner = open(bucket, key(1), null);
        S3ObjectStore plain = open(bucket, S3Encryption.none(), null);
        S3ObjectStore other = open(bucket, key(2), null)) {
      join(owner.put("small", small, PutCondition.ifAbsent()));
      join(owner.put("big", big, PutCondition.none())); // multipart
      for (S3ObjectStore wrong : List.of(plain, other)) {
        for (String k : List.of("small", "big")) {
          assertRefused(() -> join(wrong.get(k)));
          assertRefused(() -> join(wrong.get(k, ByteRange.suffix(1))));
          assertRefused(() -> join(wrong.head(k)));
        }
      }
      assertThat(join(owner.get("small")).data()).isEqualTo(small);
      // S3Proxy checks the key against its MD5 but keeps the bytes as they came: it models SSE-C's
      // access rules, not encryption (a store's own disks are beyond what a client can verify).
      assertThat(storedBytes(bucket, "small")).isEqualTo(small);
      assertThat(join(owner.get("small", ByteRange.of(2, 3))).data())
          .containsExactly('c', 'r', 'y');
      assertThat(join(owner.get("big")).data()).isEqualTo(big);
      assertThat(join(owner.get("big", ByteRange.suffix(1))).data()).containsExactly(9);
      assertThat(join(owner.head("big")).size()).isEqualTo(big.length);
      // Listings and deletes need no key.
      assertThat(join(plain.list("", null)))
          .extracting(ObjectMeta::key)
          .containsExactly("big", "small");
      join(plain.delete("small"));
      assertThatThrownBy(() -> join(owner.head("small")))
          .isInstanceOf(ObjectNotFoundException.class);
    }
  }

  @Test
  void s3ProxyKeepsSseS3AndKmsAsObjectAttributesAndRefusesTheirHeadersOnReads() {
    String bucket = server.createBucket();
    try (S3ObjectStore s3Managed = open(bucket, S3Encryption.s3Managed(), null);
        S3ObjectStore kms = open(bucket, S3Encryption.kms(Optional.of("alias/db"), true), null);
        S3ObjectStore awsManaged = open(bucket, S3Encryption.kms(Optional.empty(), false), null);
        S3Clients.Handle raw = S3Clients.build(server.config(bucket).build())) {
      join(s3Managed.put("s3", new byte[] {1}, PutCondition.none()));
      join(kms.put("kms", new byte[] {2}, PutCondition.none()));
      HeadObjectResponse s3Head = raw.client().headObject(b -> b.bucket(bucket).key("s3")).join();
      assertThat(s3Head.serverSideEncryptionAsString()).isEqualTo("AES256");
      HeadObjectResponse kmsHead = raw.client().headObject(b -> b.bucket(bucket).key("kms")).join();
      assertThat(kmsHead.serverSideEncryptionAsString()).isEqualTo("aws:kms");
      assertThat(kmsHead.ssekmsKeyId()).isEqualTo("alias/db");
      assertThat(kmsHead.bucketKeyEnabled()).isTrue();
      // Attributes only: the backend holds the bytes as they came.
      assertThat(storedBytes(bucket, "s3")).containsExactly(1);
      assertThat(storedBytes(bucket, "kms")).containsExactly(2);
      // Unlike AWS, which takes the aws/s3 key, S3Proxy wants a key id with aws:kms.
      assertThatThrownBy(() -> join(awsManaged.put("aws", new byte[] {3}, PutCondition.none())))
          .isInstanceOf(ObjectStoreException.class)
          .hasMessageContaining("HTTP 400")
          .hasMessageContaining("requires x-amz-server-side-encryption-aws-kms-key-id");
      // Why reads carry no SSE-S3/KMS header: S3Proxy answers 400, as AWS does.
      assertThatThrownBy(
              () ->
                  raw.client()
                      .getObject(
                          b ->
                              b.bucket(bucket)
                                  .key("s3")
                                  .overrideConfiguration(o -> o.putHeader(SSE, "AES256")),
                          AsyncResponseTransformer.toBytes())
                      .join())
          .hasRootCauseInstanceOf(S3Exception.class)
          .hasMessageContaining("do not apply to a read");
      // The store reads them back without any header.
      assertThat(join(s3Managed.get("kms")).data()).containsExactly(2);
      assertThat(join(kms.get("s3")).data()).containsExactly(1);
    }
  }

  @Test
  void anSseCKeyOverPlainHttpIsWarnedAboutOnceWithoutTheKey() {
    ch.qos.logback.classic.Logger log =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(S3ObjectStore.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try {
      String bucket = server.createBucket();
      open(bucket, S3Encryption.s3Managed(), null).close();
      assertThat(lines.list).as("only SSE-C sends a secret").isEmpty();
      open(bucket, key(4), null).close();
      assertThat(lines.list).hasSize(1);
      ILoggingEvent line = lines.list.get(0);
      assertThat(line.getLevel()).isEqualTo(Level.WARN);
      assertThat(line.getFormattedMessage())
          .contains(bucket, "plain http", "use https")
          .doesNotContain(key(4).keyBase64());
    } finally {
      log.detachAppender(lines);
    }
  }
}
