package dev.shaledb.objectstore.s3;

import static dev.shaledb.objectstore.Futures.join;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PreconditionFailedException;
import dev.shaledb.objectstore.PutCondition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Against a scripted S3 client: where a put's {@link ObjectMeta#lastModified()} and version come
 * from (the store's clock and ETag only: the answer's Date and ETag, else a HEAD of the object the
 * put wrote, never the local clock or a guess), and how a 412 to {@code If-Match} is read, with
 * answers S3Proxy cannot give (Ceph RGW's 412 for an absent key, its empty completion ETag).
 */
class S3WritesTest {
  private static final Instant STORE_DATE = Instant.parse("2024-05-06T07:08:09Z");
  private static final String STORE_DATE_HEADER = "Mon, 06 May 2024 07:08:09 GMT";
  private static final Instant STORE_LAST_MODIFIED = Instant.parse("2024-05-06T07:08:08Z");

  private final ScriptedS3 s3 = new ScriptedS3();
  private final S3Bucket bucket = new S3Bucket(s3, "bucket", "db/");
  private final S3Writes writes = new S3Writes(bucket, "test store");

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void putTakesItsTimeFromTheDateOfTheAnswerWithoutAHead() {
    s3.date = STORE_DATE_HEADER;
    ObjectMeta meta = join(writes.putSingle("k", bytes("data"), PutCondition.ifAbsent()));
    assertThat(meta).isEqualTo(new ObjectMeta("k", 4, "put-etag", STORE_DATE));
    assertThat(s3.heads).isZero();
  }

  @Test
  void putWithoutADateTakesItsTimeFromAHeadOfItsOwnObject() {
    ObjectMeta meta = join(writes.putSingle("k", bytes("data"), PutCondition.ifAbsent()));
    assertThat(meta).isEqualTo(new ObjectMeta("k", 4, "put-etag", STORE_LAST_MODIFIED));
    assertThat(s3.heads).isEqualTo(1);
    assertThat(s3.headedKey).isEqualTo("db/k");
  }

  @Test
  void putWithAnUnparseableDateTakesItsTimeFromAHeadOfItsOwnObject() {
    s3.date = "yesterday-ish";
    ObjectMeta meta = join(writes.putSingle("k", bytes("data"), PutCondition.none()));
    assertThat(meta.lastModified()).isEqualTo(STORE_LAST_MODIFIED);
  }

  @Test
  void putWithoutADateWhoseObjectWasReplacedMeanwhileFailsRatherThanGuessItsTime() {
    s3.headWriteId = "another-writer";
    assertNoTime(writes.putSingle("k", bytes("data"), PutCondition.none()), "another");
  }

  @Test
  void putWithoutADateWhoseObjectHasNoLastModifiedFailsRatherThanUseTheLocalClock() {
    s3.headLastModified = null;
    assertNoTime(writes.putSingle("k", bytes("data"), PutCondition.none()), "Last-Modified");
  }

  @Test
  void multipartPutWithoutADateTakesItsTimeFromAHeadOfItsOwnObject() {
    S3Multipart multipart = new S3Multipart(bucket, writes, 4);
    ObjectMeta meta = join(multipart.put("big", bytes("0123456789")));
    assertThat(meta).isEqualTo(new ObjectMeta("big", 10, "complete-etag", STORE_LAST_MODIFIED));
    assertThat(s3.parts).isEqualTo(3);
    assertThat(s3.heads).isEqualTo(1);
  }

  @Test
  void multipartCompletionWithAnEmptyETagTakesItsVersionFromAHeadOfItsOwnObject() {
    s3.date = STORE_DATE_HEADER;
    s3.completeETag = ""; // Ceph RGW 16: <ETag></ETag>
    S3Multipart multipart = new S3Multipart(bucket, writes, 4);
    ObjectMeta meta = join(multipart.put("big", bytes("0123456789")));
    assertThat(meta).isEqualTo(new ObjectMeta("big", 10, "head-etag", STORE_DATE));
    assertThat(s3.heads).isEqualTo(1);
    s3.completeETag = "\"\"";
    assertThat(join(multipart.put("big", bytes("0123456789"))).version()).isEqualTo("head-etag");
    assertThat(s3.completeConditions).as("never a condition on a completion").isEmpty();
  }

  @Test
  void putAnswerWithoutAnETagWhoseObjectWasReplacedFailsRatherThanGuessItsVersion() {
    s3.date = STORE_DATE_HEADER;
    s3.completeETag = null;
    s3.headWriteId = "another-writer";
    S3Multipart multipart = new S3Multipart(bucket, writes, 4);
    assertThatThrownBy(() -> join(multipart.put("big", bytes("0123456789"))))
        .isInstanceOfSatisfying(
            ObjectStoreException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessageContaining("'big' was applied")
        .hasMessageContaining("did not say its version")
        .hasMessageContaining("no ETag")
        .hasMessageContaining("another write replaced it");
  }

  @Test
  void ifMatchOnAnAbsentKeyAnswered412IsNotFoundAsTheContractSays() {
    // AWS answers 404 here; Ceph RGW 16 answers 412.
    s3.putFailure = request -> FaultInjectingBlobStore.error(412, "PreconditionFailed");
    s3.headFailure = FaultInjectingBlobStore.error(404, "NoSuchKey");
    assertThatThrownBy(() -> join(writes.putSingle("k", bytes("v"), PutCondition.ifMatch("v1"))))
        .isInstanceOf(ObjectNotFoundException.class);
    assertThat(s3.ifMatchHeaders).as("no second form for an absent key").hasSize(1);
  }

  @Test
  void ifMatchRefusedWhileTheKeyHoldsAnotherVersionIsPreconditionFailed() {
    s3.putFailure = request -> FaultInjectingBlobStore.error(412, "PreconditionFailed");
    s3.headWriteId = "another-writer";
    assertThatThrownBy(
            () -> join(writes.putSingle("k", bytes("v"), PutCondition.ifMatch("stale-etag"))))
        .isInstanceOf(PreconditionFailedException.class);
    assertThat(s3.ifMatchHeaders).containsExactly("\"stale-etag\"");
  }

  @Test
  void ifMatchRefusedWhileTheKeyHoldsThatVersionIsSentOnceMoreInTheOtherFormAndRemembered() {
    s3.date = STORE_DATE_HEADER;
    s3.headWriteId = "another-writer";
    s3.putFailure =
        request ->
            request.ifMatch().startsWith("\"")
                ? FaultInjectingBlobStore.error(412, "PreconditionFailed")
                : null;
    ObjectMeta meta = join(writes.putSingle("k", bytes("v"), PutCondition.ifMatch("head-etag")));
    assertThat(meta.version()).isEqualTo("put-etag");
    assertThat(s3.ifMatchHeaders).containsExactly("\"head-etag\"", "head-etag");
    assertThat(writes.ifMatchForm()).isEqualTo(S3Writes.IfMatchForm.BARE);
    join(writes.putSingle("k", bytes("w"), PutCondition.ifMatch("head-etag")));
    assertThat(s3.ifMatchHeaders).as("the bare form at once").hasSize(3).endsWith("head-etag");
  }

  @Test
  void ifMatchRefusedInBothFormsWhileTheKeyHoldsThatVersionFailsForGood() {
    s3.headWriteId = "another-writer";
    s3.putFailure = request -> FaultInjectingBlobStore.error(412, "PreconditionFailed");
    assertThatThrownBy(
            () -> join(writes.putSingle("k", bytes("v"), PutCondition.ifMatch("head-etag"))))
        .isInstanceOfSatisfying(
            ObjectStoreException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessageContaining("quoted and the bare ETag");
    assertThat(s3.ifMatchHeaders).containsExactly("\"head-etag\"", "head-etag");
    assertThat(writes.ifMatchForm()).as("nothing learned").isEqualTo(S3Writes.IfMatchForm.QUOTED);
  }

  @Test
  void aConditionalPutThatGotNoAnswerAndWasNotAppliedIsPreconditionFailedWhenAHeadRefutesIt() {
    // A server may answer a refused condition before reading the body and close the connection.
    s3.putFailure = request -> SdkClientException.create("The connection was closed");
    s3.headWriteId = "another-writer";
    assertThatThrownBy(() -> join(writes.putSingle("k", bytes("v"), PutCondition.ifAbsent())))
        .isInstanceOf(PreconditionFailedException.class);
    assertThatThrownBy(
            () -> join(writes.putSingle("k", bytes("v"), PutCondition.ifMatch("stale-etag"))))
        .isInstanceOf(PreconditionFailedException.class);
    // The condition holds: nothing to refute it, the failure itself is the answer.
    assertThatThrownBy(
            () -> join(writes.putSingle("k", bytes("v"), PutCondition.ifMatch("head-etag"))))
        .isInstanceOfSatisfying(
            ObjectStoreException.class, e -> assertThat(e.isRetryable()).isTrue())
        .isNotInstanceOf(PreconditionFailedException.class)
        .hasMessageContaining("connection was closed");
    s3.headFailure = FaultInjectingBlobStore.error(404, "NoSuchKey");
    assertThatThrownBy(
            () -> join(writes.putSingle("k", bytes("v"), PutCondition.ifMatch("head-etag"))))
        .isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> join(writes.putSingle("k", bytes("v"), PutCondition.ifAbsent())))
        .isInstanceOfSatisfying(
            ObjectStoreException.class, e -> assertThat(e.isRetryable()).isTrue())
        .isNotInstanceOf(PreconditionFailedException.class);
  }

  private static void assertNoTime(CompletableFuture<ObjectMeta> put, String why) {
    assertThatThrownBy(() -> join(put))
        .isInstanceOfSatisfying(
            ObjectStoreException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessageContaining("'k'")
        .hasMessageContaining("Date")
        .hasMessageContaining(why);
  }

  /**
   * Answers puts with an ETag and optionally a Date header, and HEADs with the write id of the last
   * put (or {@link #headWriteId}) and {@link #headLastModified}.
   */
  private static final class ScriptedS3 implements S3AsyncClient {
    String date;
    String completeETag = "\"complete-etag\"";
    Function<PutObjectRequest, Throwable> putFailure = request -> null;
    Throwable headFailure;
    final List<String> ifMatchHeaders = new ArrayList<>();
    final List<String> completeConditions = new ArrayList<>();
    String headWriteId;
    Instant headLastModified = STORE_LAST_MODIFIED;
    String lastWriteId;
    String headedKey;
    int heads;
    int parts;

    private SdkHttpResponse http() {
      SdkHttpResponse.Builder http = SdkHttpResponse.builder().statusCode(200);
      if (date != null) {
        http.putHeader("Date", date);
      }
      return http.build();
    }

    @Override
    public CompletableFuture<PutObjectResponse> putObject(
        PutObjectRequest request, AsyncRequestBody body) {
      if (request.ifMatch() != null) {
        ifMatchHeaders.add(request.ifMatch());
      }
      Throwable failure = putFailure.apply(request);
      if (failure != null) {
        return CompletableFuture.failedFuture(failure);
      }
      lastWriteId = request.metadata().get(S3Writes.WRITE_ID);
      return CompletableFuture.completedFuture(
          (PutObjectResponse)
              PutObjectResponse.builder().eTag("\"put-etag\"").sdkHttpResponse(http()).build());
    }

    @Override
    public CompletableFuture<CreateMultipartUploadResponse> createMultipartUpload(
        CreateMultipartUploadRequest request) {
      lastWriteId = request.metadata().get(S3Writes.WRITE_ID);
      return CompletableFuture.completedFuture(
          CreateMultipartUploadResponse.builder().uploadId("upload").build());
    }

    @Override
    public synchronized CompletableFuture<UploadPartResponse> uploadPart(
        UploadPartRequest request, AsyncRequestBody body) {
      parts++;
      return CompletableFuture.completedFuture(
          UploadPartResponse.builder().eTag("\"part-" + request.partNumber() + "\"").build());
    }

    @Override
    public CompletableFuture<CompleteMultipartUploadResponse> completeMultipartUpload(
        CompleteMultipartUploadRequest request) {
      if (request.ifMatch() != null || request.ifNoneMatch() != null) {
        completeConditions.add(request.ifMatch() + " " + request.ifNoneMatch());
      }
      return CompletableFuture.completedFuture(
          (CompleteMultipartUploadResponse)
              CompleteMultipartUploadResponse.builder()
                  .eTag(completeETag)
                  .sdkHttpResponse(http())
                  .build());
    }

    @Override
    public CompletableFuture<AbortMultipartUploadResponse> abortMultipartUpload(
        AbortMultipartUploadRequest request) {
      return CompletableFuture.completedFuture(AbortMultipartUploadResponse.builder().build());
    }

    @Override
    public CompletableFuture<HeadObjectResponse> headObject(HeadObjectRequest request) {
      heads++;
      headedKey = request.key();
      if (headFailure != null) {
        return CompletableFuture.failedFuture(headFailure);
      }
      return CompletableFuture.completedFuture(
          HeadObjectResponse.builder()
              .eTag("\"head-etag\"")
              .contentLength(4L)
              .lastModified(headLastModified)
              .metadata(Map.of(S3Writes.WRITE_ID, headWriteId != null ? headWriteId : lastWriteId))
              .build());
    }

    @Override
    public String serviceName() {
      return "s3";
    }

    @Override
    public void close() {}
  }
}
