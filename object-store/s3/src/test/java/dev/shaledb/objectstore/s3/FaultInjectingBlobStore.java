package dev.shaledb.objectstore.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Test double beneath S3Proxy's front end: one-shot faults per S3 key for puts, part uploads and
 * multipart completions, and counters of how many requests reached the store. Faults model what a
 * real S3 can do: answer an error without writing, write and then fail to answer, or stall.
 */
final class FaultInjectingBlobStore extends ForwardingBlobStore {
  /** What to do instead of a plain write; {@code write} performs the real one. */
  interface Fault {
    <T> T apply(Write<T> write, InputStream body);
  }

  /** The real write a fault may perform. */
  interface Write<T> {
    T run(InputStream body);
  }

  private final Map<String, Queue<Fault>> faults = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();

  FaultInjectingBlobStore(BlobStore delegate) {
    super(delegate);
  }

  /** Applies {@code fault} to the next put, part upload or completion of {@code s3Key}. */
  void onNextWrite(String s3Key, Fault fault) {
    faults.computeIfAbsent(s3Key, k -> new ConcurrentLinkedQueue<>()).add(fault);
  }

  /** How many puts, part uploads and completions of {@code s3Key} reached the store. */
  int writes(String s3Key) {
    AtomicInteger n = writes.get(s3Key);
    return n == null ? 0 : n.get();
  }

  @Override
  public PutObjectResponse putBlob(PutObjectRequest request, InputStream body) {
    return write(request.key(), body, in -> super.putBlob(request, in));
  }

  @Override
  public UploadPartResponse uploadMultipartPart(
      MultipartUpload upload, UploadPartRequest request, InputStream body) {
    return write(upload.blobName(), body, in -> super.uploadMultipartPart(upload, request, in));
  }

  @Override
  public CompleteMultipartUploadResponse completeMultipartUpload(
      MultipartUpload upload, CompleteMultipartUploadRequest request) {
    return write(
        upload.blobName(),
        InputStream.nullInputStream(),
        in -> super.completeMultipartUpload(upload, request));
  }

  private <T> T write(String key, InputStream body, Write<T> write) {
    writes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    Queue<Fault> queue = faults.get(key);
    Fault fault = queue == null ? null : queue.poll();
    return fault == null ? write.run(body) : fault.apply(write, body);
  }

  /** No fault: lets one write through (to aim a later fault at a later write). */
  static Fault passThrough() {
    return new Fault() {
      @Override
      public <T> T apply(Write<T> write, InputStream body) {
        return write.run(body);
      }
    };
  }

  /** Answers {@code status}/{@code code} without writing. */
  static Fault reject(int status, String code) {
    return new Fault() {
      @Override
      public <T> T apply(Write<T> write, InputStream body) {
        drain(body);
        throw error(status, code);
      }
    };
  }

  /** Writes, then answers {@code status}/{@code code}: the write happened, its answer is lost. */
  static Fault applyThenFail(int status, String code) {
    return new Fault() {
      @Override
      public <T> T apply(Write<T> write, InputStream body) {
        write.run(body);
        throw error(status, code);
      }
    };
  }

  /** Writes, then answers only after {@code stall}, after the client has given up. */
  static Fault applyThenStall(Duration stall) {
    return new Fault() {
      @Override
      public <T> T apply(Write<T> write, InputStream body) {
        T result = write.run(body);
        sleep(stall);
        return result;
      }
    };
  }

  /** Reads the body, waits {@code delay} (the client gives up), then writes. */
  static Fault delayThenApply(Duration delay) {
    return new Fault() {
      @Override
      public <T> T apply(Write<T> write, InputStream body) {
        byte[] bytes = readAll(body);
        sleep(delay);
        return write.run(new ByteArrayInputStream(bytes));
      }
    };
  }

  /**
   * Lets another writer's put of {@code key} win first, then answers {@code status}/{@code code}
   * without writing this request.
   */
  static Fault competitorWinsThen(
      BlobStore store, PutObjectRequest competitor, byte[] data, int status, String code) {
    return new Fault() {
      @Override
      public <T> T apply(Write<T> write, InputStream body) {
        drain(body);
        store.putBlob(competitor, new ByteArrayInputStream(data));
        throw error(status, code);
      }
    };
  }

  /** A put by another writer (write id "another-writer") of {@code length} bytes at the key. */
  static PutObjectRequest competitor(String bucket, String key, int length) {
    return PutObjectRequest.builder()
        .bucket(bucket)
        .key(key)
        .contentLength((long) length)
        .metadata(Map.of(S3Writes.WRITE_ID, "another-writer"))
        .build();
  }

  static S3Exception error(int status, String code) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .message("injected " + code)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code)
                    .errorMessage("injected " + code)
                    .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build())
                    .build())
            .build();
  }

  private static void drain(InputStream body) {
    try {
      body.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // The client went away; the injected answer no longer matters.
    }
  }

  private static byte[] readAll(InputStream body) {
    try {
      return body.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the request body", e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
