package dev.shaledb.objectstore.s3;

import dev.shaledb.objectstore.MultipartUpload;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.StoreMultipartUpload;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One S3 multipart upload, request by request: CreateMultipartUpload, UploadPart,
 * CompleteMultipartUpload and AbortMultipartUpload. The SDK retries each request (the one retry
 * layer); a part's buffer is sent without a copy, and again on a retry.
 *
 * <ul>
 *   <li>The upload carries a fresh write id in its metadata, as every put does ({@link S3Writes}),
 *       so a completion whose answer was lost is resolved by a HEAD: S3 answers a repeated
 *       completion of a finished upload with NoSuchUpload, and the write id tells whether the
 *       object there is ours.
 *   <li>Never a condition on the completion: Ceph RGW 16 ignores conditions there
 *       (docs/protocol.md, "Conditions never ride on multipart completion"). Its completion answers
 *       with an empty ETag, so the version then comes from a HEAD that must show the write id
 *       ({@link S3Writes#appliedMeta}).
 *   <li>An encryption the server did not apply to the created upload is refused before any part is
 *       sent ({@link S3Sse#notApplied}); the upload is aborted.
 *   <li>An upload that is neither completed nor aborted (the process died) keeps its parts, billed,
 *       until the bucket's lifecycle rule {@code AbortIncompleteMultipartUpload} removes them
 *       (docs/s3.md, "Large objects").
 * </ul>
 */
final class S3MultipartUpload extends StoreMultipartUpload {
  private final S3Bucket bucket;
  private final S3Writes writes;
  private final String s3Key;
  private final String writeId = S3Writes.newWriteId();
  private final Map<Integer, CompletedPart> sent = new ConcurrentHashMap<>();
  private final AtomicBoolean completionSent = new AtomicBoolean();
  private final AtomicBoolean abortSent = new AtomicBoolean();
  private CompletableFuture<String> created; // guarded by this: the upload id

  S3MultipartUpload(S3Bucket bucket, S3Writes writes, String key, long partSize) {
    super(key, partSize);
    this.bucket = bucket;
    this.writes = writes;
    this.s3Key = bucket.s3Key(key);
  }

  @Override
  public synchronized CompletableFuture<Void> start() {
    if (abortSent.get()) {
      return CompletableFuture.failedFuture(aborted());
    }
    if (created == null || created.isCompletedExceptionally()) {
      created = create();
    }
    return created.thenApply(uploadId -> null);
  }

  private CompletableFuture<String> create() {
    return bucket
        .client()
        .createMultipartUpload(
            b ->
                bucket
                    .sse()
                    .create(
                        b.bucket(bucket.name())
                            .key(s3Key)
                            .metadata(Map.of(S3Writes.WRITE_ID, writeId))))
        .exceptionally(
            failure -> {
              throw S3Errors.generic(key, failure);
            })
        .thenCompose(
            response -> {
              Optional<String> clear =
                  bucket
                      .sse()
                      .notApplied(
                          response.serverSideEncryptionAsString(),
                          response.sseCustomerAlgorithm(),
                          response.sseCustomerKeyMD5());
              if (clear.isEmpty()) {
                return CompletableFuture.completedFuture(response.uploadId());
              }
              // Before a single part is sent.
              return abortRequest(response.uploadId())
                  .thenCompose(
                      v ->
                          CompletableFuture.failedFuture(
                              S3Sse.refused(key, "CreateMultipartUpload", clear.get())));
            });
  }

  /**
   * The id of the started upload; the contract sends parts only after {@link #start()} succeeded.
   */
  private synchronized String uploadId() {
    if (abortSent.get()) {
      throw aborted();
    }
    if (created == null || !created.isDone() || created.isCompletedExceptionally()) {
      throw notStarted();
    }
    return created.join();
  }

  @Override
  public CompletableFuture<Void> uploadPart(int number, ByteBuffer data) {
    int length = data.remaining();
    String uploadId;
    try {
      parts.check(number, length);
      uploadId = uploadId();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    // Unsafe = no copy: the caller leaves the buffer alone until the part's future completes.
    AsyncRequestBody body = AsyncRequestBody.fromByteBufferUnsafe(data.slice());
    return bucket
        .client()
        .uploadPart(
            b ->
                bucket
                    .sse()
                    .part(
                        b.bucket(bucket.name())
                            .key(s3Key)
                            .uploadId(uploadId)
                            .partNumber(number)
                            .contentLength((long) length)),
            body)
        .handle(
            (response, failure) -> {
              if (failure != null) {
                throw S3Errors.generic(key, failure);
              }
              sent.put(
                  number, CompletedPart.builder().partNumber(number).eTag(response.eTag()).build());
              parts.received(number, length);
              return null;
            });
  }

  /**
   * Completes the upload, without any condition. A repeated completion (a retry of one whose answer
   * was lost) that S3 answers with NoSuchUpload is resolved by the write id.
   */
  @Override
  public CompletableFuture<ObjectMeta> complete(int count) {
    long size;
    String uploadId;
    List<CompletedPart> list = new ArrayList<>(count);
    try {
      size = parts.objectSize(count);
      uploadId = uploadId();
      for (int n = 1; n <= count; n++) {
        list.add(sent.get(n));
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    boolean repeated = completionSent.getAndSet(true);
    AttemptLog log = new AttemptLog(-1);
    CompleteMultipartUploadRequest request =
        bucket
            .sse()
            .complete(
                CompleteMultipartUploadRequest.builder()
                    .bucket(bucket.name())
                    .key(s3Key)
                    .uploadId(uploadId)
                    .multipartUpload(m -> m.parts(list))
                    .overrideConfiguration(S3Writes.withLog(log)))
            .build();
    return writes.settleUnconditional(
        bucket.client().completeMultipartUpload(request),
        r -> writes.appliedMeta(key, size, r.eTag(), r, writeId),
        key,
        writeId,
        log,
        repeated);
  }

  /**
   * Aborts the upload, so its parts are freed and a completion still in flight fails. Sent once,
   * once the upload was created; a failure is ignored (see {@link MultipartUpload#abort()}).
   */
  @Override
  public CompletableFuture<Void> abort() {
    CompletableFuture<String> upload;
    synchronized (this) {
      if (abortSent.getAndSet(true) || created == null) {
        return CompletableFuture.completedFuture(null);
      }
      upload = created;
    }
    return upload
        .handle((uploadId, failure) -> uploadId)
        .thenCompose(
            uploadId ->
                uploadId == null
                    ? CompletableFuture.completedFuture(null)
                    : abortRequest(uploadId));
  }

  private CompletableFuture<Void> abortRequest(String uploadId) {
    return bucket
        .client()
        .abortMultipartUpload(b -> b.bucket(bucket.name()).key(s3Key).uploadId(uploadId))
        .handle((response, failure) -> null);
  }

  @Override
  public String toString() {
    return "upload of '" + key + "' to s3://" + bucket.name() + "/" + s3Key;
  }
}
