package dev.shaledb.objectstore.s3;

import dev.shaledb.objectstore.ObjectMeta;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An unconditional put in parts: CreateMultipartUpload, UploadPart with bounded parallelism, and
 * CompleteMultipartUpload, which makes the object visible atomically. Any failure aborts the
 * upload, so a failed put never becomes visible (S3 discards its parts).
 *
 * <p>Conditional puts never come here: Ceph RGW 16 ignores {@code If-None-Match} and {@code
 * If-Match} on CompleteMultipartUpload and overwrites, and Google Cloud Storage documents no
 * preconditions for its multipart uploads, so a condition on a completion protects nothing there
 * (docs/protocol.md, "Conditions never ride on multipart completion"). {@link S3ObjectStore} sends
 * them as one PUT.
 */
final class S3Multipart {
  /** Parts in flight per upload; more rarely helps and would crowd the connection pool. */
  static final int PART_CONCURRENCY = 4;

  private final S3Bucket bucket;
  private final S3Writes writes;
  private final long partSize;

  S3Multipart(S3Bucket bucket, S3Writes writes, long partSize) {
    this.bucket = bucket;
    this.writes = writes;
    this.partSize = partSize;
  }

  CompletableFuture<ObjectMeta> put(String key, byte[] data) {
    String s3Key = bucket.s3Key(key);
    int parts = (int) ((data.length + partSize - 1) / partSize);
    if (parts > S3Config.MAX_PARTS) {
      throw new IllegalArgumentException(
          "object of " + data.length + " bytes needs more than " + S3Config.MAX_PARTS + " parts");
    }
    String writeId = S3Writes.newWriteId();
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
            created -> {
              Upload upload = new Upload(key, s3Key, created.uploadId(), data, parts);
              Optional<String> clear =
                  bucket
                      .sse()
                      .notApplied(
                          created.serverSideEncryptionAsString(),
                          created.sseCustomerAlgorithm(),
                          created.sseCustomerKeyMD5());
              if (clear.isPresent()) { // before a single part is sent
                return upload
                    .abort()
                    .thenCompose(
                        v -> failed(S3Sse.refused(key, "CreateMultipartUpload", clear.get())));
              }
              return upload
                  .sendParts()
                  .thenCompose(done -> upload.complete(done, writeId))
                  .handle(
                      (meta, failure) ->
                          failure == null
                              ? CompletableFuture.completedFuture(meta)
                              : upload.abort().thenCompose(v -> failed(failure)))
                  .thenCompose(f -> f);
            });
  }

  private static CompletableFuture<ObjectMeta> failed(Throwable failure) {
    return CompletableFuture.failedFuture(S3Errors.unwrap(failure));
  }

  /** One upload in progress. */
  private final class Upload {
    private final String key;
    private final String s3Key;
    private final String uploadId;
    private final byte[] data;
    private final CompletedPart[] done;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean failed = new AtomicBoolean();

    Upload(String key, String s3Key, String uploadId, byte[] data, int parts) {
      this.key = key;
      this.s3Key = s3Key;
      this.uploadId = uploadId;
      this.data = data;
      this.done = new CompletedPart[parts];
    }

    CompletableFuture<List<CompletedPart>> sendParts() {
      List<CompletableFuture<Void>> workers = new ArrayList<>();
      for (int i = 0; i < Math.min(PART_CONCURRENCY, done.length); i++) {
        workers.add(sendNextParts());
      }
      return CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new))
          .thenApply(v -> Arrays.asList(done));
    }

    /** Sends parts one after another until none is left or one failed. */
    private CompletableFuture<Void> sendNextParts() {
      int index = next.getAndIncrement();
      if (index >= done.length || failed.get()) {
        return CompletableFuture.completedFuture(null);
      }
      int offset = (int) (index * partSize);
      int length = (int) Math.min(partSize, data.length - offset);
      AsyncRequestBody body =
          AsyncRequestBody.fromByteBufferUnsafe(ByteBuffer.wrap(data, offset, length).slice());
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
                              .partNumber(index + 1)
                              .contentLength((long) length)),
              body)
          .handle(
              (response, failure) -> {
                if (failure != null) {
                  failed.set(true);
                  throw S3Errors.generic(key, failure);
                }
                done[index] =
                    CompletedPart.builder().partNumber(index + 1).eTag(response.eTag()).build();
                return null;
              })
          .thenCompose(v -> sendNextParts());
    }

    /**
     * Completes the upload, without any condition. An answer without an ETag (Ceph RGW 16) is
     * completed by a HEAD that must show this put's write id ({@link S3Writes#appliedMeta}).
     */
    CompletableFuture<ObjectMeta> complete(List<CompletedPart> parts, String writeId) {
      AttemptLog log = new AttemptLog(-1);
      CompleteMultipartUploadRequest request =
          bucket
              .sse()
              .complete(
                  CompleteMultipartUploadRequest.builder()
                      .bucket(bucket.name())
                      .key(s3Key)
                      .uploadId(uploadId)
                      .multipartUpload(m -> m.parts(parts))
                      .overrideConfiguration(S3Writes.withLog(log)))
              .build();
      return writes.settleUnconditional(
          bucket.client().completeMultipartUpload(request),
          r -> writes.appliedMeta(key, data.length, r.eTag(), r, writeId),
          key,
          writeId,
          log);
    }

    /**
     * Aborts the upload, so its parts are freed and a completion still in flight fails. Best
     * effort: a leftover upload costs only storage, until a bucket lifecycle rule removes it.
     */
    CompletableFuture<Void> abort() {
      return bucket
          .client()
          .abortMultipartUpload(b -> b.bucket(bucket.name()).key(s3Key).uploadId(uploadId))
          .handle((response, failure) -> null);
    }
  }
}
