package dev.shaledb.objectstore.s3;

import dev.shaledb.objectstore.ObjectMeta;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An unconditional put of bytes already in memory, in parts: one {@link S3MultipartUpload}, its
 * parts sent from slices of the caller's copy with bounded parallelism, and its completion, which
 * makes the object visible atomically. Any failure aborts the upload, so a failed put never becomes
 * visible (S3 discards its parts). A put never blocks its caller, unlike a streamed upload (which
 * waits for room to buffer the next part), and copies nothing more.
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
    int parts = (int) ((data.length + partSize - 1) / partSize);
    if (parts > S3Config.MAX_PARTS) {
      throw new IllegalArgumentException(
          "object of " + data.length + " bytes needs more than " + S3Config.MAX_PARTS + " parts");
    }
    S3MultipartUpload upload = new S3MultipartUpload(bucket, writes, key, partSize);
    return upload
        .start()
        .thenCompose(v -> new Parts(upload, data, parts).send())
        .thenCompose(v -> upload.complete(parts))
        .handle(
            (meta, failure) ->
                failure == null
                    ? CompletableFuture.completedFuture(meta)
                    : upload
                        .abort()
                        .thenCompose(
                            v ->
                                CompletableFuture.<ObjectMeta>failedFuture(
                                    S3Errors.unwrap(failure))))
        .thenCompose(f -> f);
  }

  /** The parts of one put, sent by {@link #PART_CONCURRENCY} workers. */
  private final class Parts {
    private final S3MultipartUpload upload;
    private final byte[] data;
    private final int count;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean failed = new AtomicBoolean();

    Parts(S3MultipartUpload upload, byte[] data, int count) {
      this.upload = upload;
      this.data = data;
      this.count = count;
    }

    CompletableFuture<Void> send() {
      List<CompletableFuture<Void>> workers = new ArrayList<>();
      for (int i = 0; i < Math.min(PART_CONCURRENCY, count); i++) {
        workers.add(sendNext());
      }
      return CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new));
    }

    /** Sends parts one after another until none is left or one failed. */
    private CompletableFuture<Void> sendNext() {
      int index = next.getAndIncrement();
      if (index >= count || failed.get()) {
        return CompletableFuture.completedFuture(null);
      }
      int offset = (int) (index * partSize);
      int length = (int) Math.min(partSize, data.length - offset);
      return upload
          .uploadPart(index + 1, ByteBuffer.wrap(data, offset, length))
          .whenComplete(
              (v, failure) -> {
                if (failure != null) {
                  failed.set(true);
                }
              })
          .thenCompose(v -> sendNext());
    }
  }
}
