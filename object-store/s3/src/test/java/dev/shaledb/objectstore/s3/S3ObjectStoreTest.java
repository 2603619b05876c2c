package dev.shaledb.objectstore.s3;

import static dev.shaledb.objectstore.Futures.join;
import static dev.shaledb.objectstore.s3.FaultInjectingBlobStore.applyThenFail;
import static dev.shaledb.objectstore.s3.FaultInjectingBlobStore.applyThenStall;
import static dev.shaledb.objectstore.s3.FaultInjectingBlobStore.competitorWinsThen;
import static dev.shaledb.objectstore.s3.FaultInjectingBlobStore.delayThenApply;
import static dev.shaledb.objectstore.s3.FaultInjectingBlobStore.passThrough;
import static dev.shaledb.objectstore.s3.FaultInjectingBlobStore.reject;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PreconditionFailedException;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.testing.Seeds;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** S3-specific behaviour: resolution of ambiguous writes, retries, multipart, prefixes. */
class S3ObjectStoreTest extends FaultyS3TestBase {
  private static final long PART = S3Config.MIN_PART_SIZE;

  @Override
  S3Config.Builder configure(S3Config.Builder config) {
    return config.partSizeBytes(PART).multipartThresholdBytes(PART);
  }

  private S3ObjectStore open(S3Config.Builder config) {
    return S3ObjectStore.open(configure(config).build());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private String data(String key) {
    return new String(join(store.get(key)).data(), UTF_8);
  }

  // The store probe's record is bound to toString(): a copy of the bucket on another server must
  // not inherit this server's verdict, and no secret may reach a log line or the record.
  @Test
  void itsDescriptionNamesBucketPrefixAndServerButNoSecret() {
    S3Config config = server.config(bucket).prefix("p/").build();
    try (S3ObjectStore here = S3ObjectStore.open(config)) {
      assertThat(here.toString())
          .contains("s3://" + bucket + "/p/")
          .contains(config.endpoint().orElseThrow().toString())
          .doesNotContain(config.credentials().orElseThrow().secretAccessKey());
    }
    S3Config elsewhere =
        server.config(bucket).prefix("p/").endpoint(URI.create("http://127.0.0.1:1")).build();
    try (S3ObjectStore there = S3ObjectStore.open(elsewhere)) {
      assertThat(there.toString()).isNotEqualTo(store.toString());
    }
  }

  @Test
  void conditionalPutWhoseAppliedAttemptLostItsAnswerSucceedsByWriteId() {
    faults.onNextWrite("created", applyThenFail(500, "InternalError"));
    ObjectMeta created = join(store.put("created", bytes("mine"), PutCondition.ifAbsent()));
    assertThat(join(store.head("created")).version()).isEqualTo(created.version());
    assertThat(data("created")).isEqualTo("mine");

    faults.onNextWrite("created", applyThenFail(503, "SlowDown"));
    ObjectMeta replaced =
        join(store.put("created", bytes("mine 2"), PutCondition.ifMatch(created.version())));
    assertThat(replaced.version()).isNotEqualTo(created.version());
    assertThat(data("created")).isEqualTo("mine 2");
  }

  @Test
  void preconditionFailureAfterAnAttemptThatMayHaveAppliedIsOutcomeUnknown() {
    faults.onNextWrite(
        "contested",
        competitorWinsThen(
            faults.delegate(), competitor("contested", 5), bytes("other"), 500, "InternalError"));
    assertThatThrownBy(() -> join(store.put("contested", bytes("mine"), PutCondition.ifAbsent())))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("contested");
    assertThat(data("contested")).isEqualTo("other");
  }

  @Test
  void preconditionFailureAfterRejectedAttemptsIsDefinitive() {
    // A 409 means the attempt was not applied; the SDK retries it and the retry meets a 412
    // (without the retry the answer would be the 409 itself, a retryable ObjectStoreException).
    faults.onNextWrite(
        "taken",
        competitorWinsThen(
            faults.delegate(),
            competitor("taken", 5),
            bytes("other"),
            409,
            "ConditionalRequestConflict"));
    assertThatThrownBy(() -> join(store.put("taken", bytes("mine"), PutCondition.ifAbsent())))
        .isInstanceOf(PreconditionFailedException.class);
    assertThat(data("taken")).isEqualTo("other");
  }

  private PutObjectRequest competitor(String key, int length) {
    return FaultInjectingBlobStore.competitor(bucket, key, length);
  }

  @Test
  void timedOutConditionalPutIsResolvedByWriteIdWhenItLanded() {
    try (S3ObjectStore impatient = open(oneShortAttempt())) {
      faults.onNextWrite("slow", applyThenStall(Duration.ofMillis(1_500)));
      ObjectMeta meta = join(impatient.put("slow", bytes("landed"), PutCondition.ifAbsent()));
      assertThat(meta.size()).isEqualTo(6);
      assertThat(data("slow")).isEqualTo("landed");
    }
  }

  @Test
  void timedOutConditionalPutThatHasNotLandedIsOutcomeUnknown() throws Exception {
    try (S3ObjectStore impatient = open(oneShortAttempt())) {
      faults.onNextWrite("late", delayThenApply(Duration.ofMillis(1_500)));
      assertThatThrownBy(() -> join(impatient.put("late", bytes("late"), PutCondition.ifAbsent())))
          .isInstanceOf(OutcomeUnknownException.class);
      // Why "precondition failed" or "not found" would have been wrong: it lands afterwards.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!keys().contains("late") && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(data("late")).isEqualTo("late");
    }
  }

  private S3Config.Builder oneShortAttempt() {
    return server
        .config(bucket)
        .maxAttempts(1)
        .attemptTimeout(Duration.ofMillis(400))
        .apiCallTimeout(Duration.ofMillis(400));
  }

  private List<String> keys() {
    return join(store.list("")).stream().map(ObjectMeta::key).toList();
  }

  @Test
  void throttlingIsRetriedByTheSdk() {
    faults.onNextWrite("busy", reject(503, "SlowDown"));
    faults.onNextWrite("busy", reject(429, "TooManyRequests"));
    join(store.put("busy", bytes("done"), PutCondition.none()));
    assertThat(faults.writes("busy")).isEqualTo(3);
    assertThat(data("busy")).isEqualTo("done");
  }

  @Test
  void failuresAfterTheLastAttemptAreTypedAndSayWhetherToRetry() {
    try (S3ObjectStore twice = open(server.config(bucket).maxAttempts(2))) {
      faults.onNextWrite("down", reject(500, "InternalError"));
      faults.onNextWrite("down", reject(500, "InternalError"));
      assertThatThrownBy(() -> join(twice.put("down", bytes("x"), PutCondition.none())))
          .isInstanceOfSatisfying(
              ObjectStoreException.class, e -> assertThat(e.isRetryable()).isTrue())
          .hasMessageContaining("500");
      assertThat(faults.writes("down")).isEqualTo(2);

      faults.onNextWrite("denied", reject(403, "AccessDenied"));
      assertThatThrownBy(() -> join(twice.put("denied", bytes("x"), PutCondition.ifAbsent())))
          .isInstanceOfSatisfying(
              ObjectStoreException.class, e -> assertThat(e.isRetryable()).isFalse());
      assertThat(faults.writes("denied")).isEqualTo(1);
    }
  }

  @Test
  void aMissingBucketIsNotAMissingObject() {
    try (S3ObjectStore nowhere = open(server.config("no-such-bucket"))) {
      assertThatThrownBy(() -> join(nowhere.get("k")))
          .isInstanceOf(ObjectStoreException.class)
          .isNotInstanceOf(ObjectNotFoundException.class)
          .hasMessageContaining("NoSuchBucket");
      assertThatThrownBy(() -> join(nowhere.list("")))
          .isInstanceOf(ObjectStoreException.class)
          .isNotInstanceOf(ObjectNotFoundException.class);
    }
  }

  @Test
  void largeUnconditionalPutsGoUpInPartsAndReadBackAcrossPartBoundaries() {
    Seeds.Gen gen = Seeds.gen("largeObjectsGoUpInParts");
    byte[] data = gen.bytes((int) (2 * PART + 12_345));
    ObjectMeta meta = join(store.put("big", data, PutCondition.none()));
    assertThat(faults.writes("big")).as("3 parts and 1 completion").isEqualTo(4);
    assertThat(meta.size()).isEqualTo(data.length);
    assertThat(meta.version()).isEqualTo(join(store.head("big")).version());
    for (int i = 0; i < 20; i++) {
      long offset = gen.random().nextLong(data.length);
      int length = gen.intBetween(1, (int) PART + 1);
      ObjectContent got = join(store.get("big", ByteRange.of(offset, length)));
      int end = (int) Math.min(data.length, offset + length);
      assertThat(got.offset()).as(gen.toString()).isEqualTo(offset);
      assertThat(got.data()).as(gen.toString()).isEqualTo(copy(data, (int) offset, end));
    }
  }

  @Test
  void conditionalPutsAboveTheMultipartThresholdAreSinglePutsAndHoldTheirConditions() {
    Seeds.Gen gen = Seeds.gen("conditionalPutsAboveTheThreshold");
    byte[] data = gen.bytes((int) PART + 1);
    // S3's ETag derives from the content: a changed CAS token needs changed bytes.
    byte[] other = gen.bytes((int) PART + 1);
    ObjectMeta first = join(store.put("mp", data, PutCondition.ifAbsent()));
    assertThat(faults.writes("mp")).as("one PUT, no parts, no completion").isEqualTo(1);
    assertThatThrownBy(() -> join(store.put("mp", other, PutCondition.ifAbsent())))
        .isInstanceOf(PreconditionFailedException.class);
    ObjectMeta second = join(store.put("mp", other, PutCondition.ifMatch(first.version())));
    // S3Proxy checks If-Match before it reads a body and may reset the connection instead of
    // answering 412 (S3TestServer). If no attempt's body went out whole, a HEAD shows the
    // condition false: 412. If one did, the store cannot tell that from a lost answer: unknown.
    assertThatThrownBy(() -> join(store.put("mp", data, PutCondition.ifMatch(first.version()))))
        .isInstanceOfAny(PreconditionFailedException.class, OutcomeUnknownException.class);
    // (refused puts never reach the store beneath S3Proxy's and the per-key guard's checks)
    assertThat(faults.writes("mp")).as("two accepted PUTs, no parts").isEqualTo(2);
    assertThat(join(store.head("mp")).version()).isEqualTo(second.version());
    assertThat(join(store.get("mp")).data()).isEqualTo(other);
    assertThat(faults.delegate().listMultipartUploads(bucket)).isEmpty();
  }

  @Test
  void conditionalPutsAboveTheSinglePutLimitAreRefusedAndUnconditionalOnesGoInParts() {
    try (S3ObjectStore capped =
        S3ObjectStore.open(
            server
                .config(bucket)
                .partSizeBytes(PART)
                .multipartThresholdBytes(PART)
                .maxSinglePutBytes(PART + 10)
                .build())) {
      byte[] data = Seeds.gen("singlePutLimit").bytes((int) PART + 11);
      assertThatThrownBy(() -> join(capped.put("capped", data, PutCondition.ifAbsent())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("conditional put of " + data.length + " bytes")
          .hasMessageContaining("maxSinglePutBytes");
      assertThat(faults.writes("capped")).as("refused before any request").isZero();
      join(capped.put("capped", data, PutCondition.none()));
      assertThat(faults.writes("capped")).as("2 parts and 1 completion").isEqualTo(3);
    }
  }

  @Test
  void aFailedMultipartUploadNeverBecomesVisible() {
    byte[] data = Seeds.gen("failedMultipart").bytes((int) PART + 1);
    faults.onNextWrite("mp-broken", reject(400, "InvalidPart"));
    assertThatThrownBy(() -> join(store.put("mp-broken", data, PutCondition.none())))
        .isInstanceOf(ObjectStoreException.class);
    assertThatThrownBy(() -> join(store.head("mp-broken")))
        .isInstanceOf(ObjectNotFoundException.class);
    assertThat(faults.delegate().listMultipartUploads(bucket)).as("uploads aborted").isEmpty();
  }

  @Test
  void concurrentLargeIfAbsentPutsHaveOneWinner() {
    byte[] data = Seeds.gen("concurrentLargeIfAbsent").bytes((int) PART + 1);
    for (int round = 0; round < 3; round++) {
      String key = "mp-race/" + round;
      List<CompletableFuture<ObjectMeta>> puts = new ArrayList<>();
      for (int writer = 0; writer < 4; writer++) {
        puts.add(store.put(key, data, PutCondition.ifAbsent()));
      }
      int winners = 0;
      for (CompletableFuture<ObjectMeta> put : puts) {
        try {
          join(put);
          winners++;
        } catch (PreconditionFailedException lost) {
          // all but one must lose
        }
      }
      assertThat(winners).as("round %d", round).isEqualTo(1);
    }
    assertThat(faults.delegate().listMultipartUploads(bucket)).as("no uploads at all").isEmpty();
  }

  @Test
  void multipartCompletionWhoseAnswerWasLostSucceedsByWriteId() {
    byte[] data = Seeds.gen("multipartCompletionLost").bytes((int) PART + 10);
    // Two parts, then the completion: it completes the upload but its answer is lost; the SDK's
    // retry finds the upload gone (NoSuchUpload), and the write id says it was ours.
    faults.onNextWrite("mp-lost", passThrough());
    faults.onNextWrite("mp-lost", passThrough());
    faults.onNextWrite("mp-lost", applyThenFail(500, "InternalError"));
    ObjectMeta meta = join(store.put("mp-lost", data, PutCondition.none()));
    assertThat(join(store.get("mp-lost")).data()).isEqualTo(data);
    assertThat(meta.version()).isEqualTo(join(store.head("mp-lost")).version());
  }

  @Test
  void keysLiveUnderThePrefixAndListingsStripIt() {
    try (S3ObjectStore db1 = server.newStore(bucket + "/tenants/db1");
        S3ObjectStore db2 = server.newStore(bucket + "/tenants/db2/")) {
      assertThat(db1.config().prefix()).isEqualTo("tenants/db1/");
      join(db1.put("wal/1", bytes("one"), PutCondition.ifAbsent()));
      join(db2.put("wal/1", bytes("two"), PutCondition.ifAbsent()));
      assertThat(new String(join(db1.get("wal/1")).data(), UTF_8)).isEqualTo("one");
      assertThat(join(db1.list("wal/"))).extracting(ObjectMeta::key).containsExactly("wal/1");
      assertThat(join(db1.list("")).get(0).key()).isEqualTo("wal/1");
      assertThat(keys()).containsExactly("tenants/db1/wal/1", "tenants/db2/wal/1");
      join(db1.delete("wal/1"));
      assertThat(keys()).containsExactly("tenants/db2/wal/1");

      String longest = "k".repeat(1024 - "tenants/db1/".length());
      join(db1.put(longest, bytes("x"), PutCondition.none()));
      assertThatThrownBy(() -> join(db1.put(longest + "k", bytes("x"), PutCondition.none())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("prefix");
    }
  }

  @Test
  void listingIsInUtf8ByteOrderBeyondTheBasicPlane() {
    // UTF-16 order puts the emoji (a surrogate pair) before U+FFFD; UTF-8 byte order after it.
    List<String> keys = List.of("u/\uD83D\uDE00", "u/\uFFFD", "u/z", "u/\u00E9");
    for (String key : keys) {
      join(store.put(key, bytes(key), PutCondition.none()));
    }
    assertThat(join(store.list("u/")))
        .extracting(ObjectMeta::key)
        .containsExactly("u/z", "u/\u00E9", "u/\uFFFD", "u/\uD83D\uDE00");
    assertThat(join(store.list("u/", "u/\uFFFD")))
        .extracting(ObjectMeta::key)
        .containsExactly("u/\uD83D\uDE00");
  }

  @Test
  void everyOperationFailsAfterClose() {
    store.close();
    store.close();
    assertThatThrownBy(() -> join(store.head("k"))).isInstanceOf(DbClosedException.class);
    assertThatThrownBy(() -> join(store.list(""))).isInstanceOf(DbClosedException.class);
    assertThatThrownBy(() -> join(store.delete("k"))).isInstanceOf(DbClosedException.class);
    assertThatThrownBy(() -> join(store.get("k", ByteRange.suffix(1))))
        .isInstanceOf(DbClosedException.class);
  }

  @Test
  void badArgumentsFailFast() {
    assertThatThrownBy(() -> join(store.put("k", (byte[]) null, PutCondition.none())))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> join(store.put("k", bytes("x"), null)))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> join(store.get("k", null))).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> join(store.list("bad//prefix")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> S3ObjectStore.open(null)).isInstanceOf(NullPointerException.class);
  }

  private static byte[] copy(byte[] data, int from, int to) {
    return Arrays.copyOfRange(data, from, to);
  }
}
