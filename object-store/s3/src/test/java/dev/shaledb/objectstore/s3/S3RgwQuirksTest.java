package dev.shaledb.objectstore.s3;

import static dev.shaledb.objectstore.Futures.join;
import static dev.shaledb.objectstore.s3.FaultInjectingBlobStore.applyThenFail;
import static dev.shaledb.objectstore.s3.FaultInjectingBlobStore.competitorWinsThen;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PreconditionFailedException;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.testing.Seeds;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The store on a server with Ceph RGW 16's answers ({@link RgwQuirksBlobStore}: quoted {@code
 * If-Match} refused, multipart completions without an ETag, and, injected, a 500 to the loser of an
 * {@code If-Match} race): every put's outcome is still the true one.
 */
class S3RgwQuirksTest extends FaultyS3TestBase {
  private static final long PART = S3Config.MIN_PART_SIZE;

  private static RgwQuirksBlobStore rgw;

  /** Hides the base's start: RGW's answers in front of the faults. */
  @BeforeAll
  static void startServer() {
    server =
        S3TestServer.start(
            s -> rgw = new RgwQuirksBlobStore(faults = new FaultInjectingBlobStore(s)));
  }

  @BeforeEach
  void forgetIfMatchForms() {
    rgw.ifMatchForms.clear();
  }

  @Override
  S3Config.Builder configure(S3Config.Builder config) {
    return config.partSizeBytes(PART).multipartThresholdBytes(PART);
  }

  private S3ObjectStore open() {
    return S3ObjectStore.open(configure(server.config(bucket)).build());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private String data(String key) {
    return new String(join(store.get(key)).data(), UTF_8);
  }

  @Test
  void quotedIfMatchRefusedWhileItHoldsIsSentBareOnceAndTheStoreKeepsTheBareForm() {
    ObjectMeta v1 = join(store.put("cas", bytes("one"), PutCondition.none()));
    ObjectMeta v2 = join(store.put("cas", bytes("two"), PutCondition.ifMatch(v1.version())));
    assertThat(data("cas")).isEqualTo("two");
    assertThat(v2.version()).isEqualTo(join(store.head("cas")).version());
    assertThat(rgw.ifMatchForms).containsExactly("quoted", "bare");

    join(store.put("cas", bytes("three"), PutCondition.ifMatch(v2.version())));
    assertThat(rgw.ifMatchForms).as("bare at once").containsExactly("quoted", "bare", "bare");

    // The form is learned per store: another store starts from S3's documented form.
    try (S3ObjectStore fresh = open()) {
      ObjectMeta v3 = join(fresh.head("cas"));
      join(fresh.put("cas", bytes("four"), PutCondition.ifMatch(v3.version())));
    }
    assertThat(rgw.ifMatchForms).endsWith("quoted", "bare");
    assertThat(data("cas")).isEqualTo("four");
  }

  @Test
  void aStaleIfMatchIsPreconditionFailedAndNeverTriedInTheOtherForm() {
    ObjectMeta v1 = join(store.put("stale", bytes("one"), PutCondition.none()));
    join(store.put("stale", bytes("two"), PutCondition.none()));
    assertThatThrownBy(
            () -> join(store.put("stale", bytes("three"), PutCondition.ifMatch(v1.version()))))
        .isInstanceOf(PreconditionFailedException.class);
    assertThat(data("stale")).isEqualTo("two");
    // S3Proxy's own check refuses the stale put before it reaches the RGW imitation at all.
    assertThat(rgw.ifMatchForms).doesNotContain("bare");
  }

  @Test
  void aLostIfMatchRaceAnsweredWith500IsOutcomeUnknownNeverSuccessOrSilence() {
    ObjectMeta v1 = learnBareForm("race");
    // Our put passes the check, a competitor commits first, ours gets RGW's 500 (ECANCELED);
    // the SDK retries, the retry is refused as stale: our write may or may not have been applied
    // as far as any answer tells, and the object is not ours.
    faults.onNextWrite(
        "race",
        competitorWinsThen(
            faults.delegate(), competitor("race", 5), bytes("other"), 500, "UnknownError"));
    assertThatThrownBy(
            () -> join(store.put("race", bytes("mine"), PutCondition.ifMatch(v1.version()))))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("'race'")
        .hasMessageContaining("does not carry this put's write id");
    assertThat(data("race")).isEqualTo("other");
  }

  @Test
  void anIfMatchPutAppliedThenAnswered500SucceedsByWriteIdAfterTheSdksRetry() {
    ObjectMeta v1 = learnBareForm("applied");
    faults.onNextWrite("applied", applyThenFail(500, "UnknownError"));
    ObjectMeta mine = join(store.put("applied", bytes("mine"), PutCondition.ifMatch(v1.version())));
    assertThat(data("applied")).isEqualTo("mine");
    assertThat(mine.version()).isEqualTo(join(store.head("applied")).version());
  }

  @Test
  void anIfAbsentPutAppliedThenAnswered500SucceedsByWriteIdAfterTheSdksRetry() {
    faults.onNextWrite("created", applyThenFail(500, "UnknownError"));
    ObjectMeta mine = join(store.put("created", bytes("mine"), PutCondition.ifAbsent()));
    assertThat(data("created")).isEqualTo("mine");
    assertThat(mine.version()).isEqualTo(join(store.head("created")).version());
  }

  /** Puts a first version of {@code key} and replaces it once, so the store learns the form. */
  private ObjectMeta learnBareForm(String key) {
    ObjectMeta v0 = join(store.put(key, bytes("zero"), PutCondition.none()));
    ObjectMeta v1 = join(store.put(key, bytes("one"), PutCondition.ifMatch(v0.version())));
    assertThat(rgw.ifMatchForms).containsExactly("quoted", "bare");
    return v1;
  }

  @Test
  void aMultipartCompletionWithoutAnETagLearnsItsVersionFromAHead() {
    byte[] data = Seeds.gen("completionWithoutETag").bytes((int) PART + 1);
    ObjectMeta meta = join(store.put("big", data, PutCondition.none()));
    assertThat(faults.writes("big")).as("2 parts and 1 completion").isEqualTo(3);
    ObjectMeta head = join(store.head("big"));
    assertThat(meta.version()).isNotEmpty().isEqualTo(head.version());
    assertThat(meta.size()).isEqualTo(data.length);
    assertThat(join(store.get("big")).data()).isEqualTo(data);
  }

  @Test
  void aMultipartCompletionWithoutAnETagWhoseObjectWasReplacedFailsRatherThanGuess() {
    byte[] data = Seeds.gen("completionReplaced").bytes((int) PART + 1);
    faults.onNextWrite("replaced", FaultInjectingBlobStore.passThrough());
    faults.onNextWrite("replaced", FaultInjectingBlobStore.passThrough());
    faults.onNextWrite(
        "replaced",
        new FaultInjectingBlobStore.Fault() {
          @Override
          public <T> T apply(FaultInjectingBlobStore.Write<T> write, InputStream body) {
            T completed = write.run(body);
            faults
                .delegate()
                .putBlob(competitor("replaced", 5), new ByteArrayInputStream(bytes("other")));
            return completed;
          }
        });
    assertThatThrownBy(() -> join(store.put("replaced", data, PutCondition.none())))
        .isInstanceOfSatisfying(
            ObjectStoreException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessageContaining("was applied")
        .hasMessageContaining("did not say its version");
    assertThat(data("replaced")).isEqualTo("other");
  }

  private PutObjectRequest competitor(String key, int length) {
    return FaultInjectingBlobStore.competitor(bucket, key, length);
  }
}
