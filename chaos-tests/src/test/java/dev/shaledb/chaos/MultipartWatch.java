package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The S3 test server's own view of the multipart uploads into one bucket, installed beneath
 * S3Proxy's HTTP front end: it counts uploads begun, completed and aborted, and answers some part
 * uploads with a real HTTP 500, as S3 itself sometimes does. One part attempt in {@value
 * #PART_ERROR_ONE_IN} fails once, which the SDK's retries absorb; one upload in {@value
 * #DOOMED_ONE_IN} is doomed, its second part failing on every attempt, so that the engine's put
 * fails, the engine aborts the upload and retries its flush or compaction with a new one.
 *
 * <p>It also tells the parent when a part arrives, so that it can aim a kill at an upload in
 * progress, and counts the requests in progress, so that after a kill the parent can wait until the
 * dead child's last requests have ended before it lists what the kill left behind.
 */
final class MultipartWatch extends ForwardingBlobStore {
  static final int DOOMED_ONE_IN = 5;
  static final int PART_ERROR_ONE_IN = 8;

  /** Cumulative counts; the parent takes differences per kill cycle. */
  record Counts(long begun, long completed, long aborted, long partErrors) {
    Counts minus(Counts earlier) {
      return new Counts(
          begun - earlier.begun,
          completed - earlier.completed,
          aborted - earlier.aborted,
          partErrors - earlier.partErrors);
    }
  }

  private final String bucket;
  private final SplittableRandom random;
  private final Set<String> doomed = ConcurrentHashMap.newKeySet();
  private final AtomicLong begun = new AtomicLong();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong aborted = new AtomicLong();
  private final AtomicLong partErrors = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong partsArrived = new AtomicLong();

  /** Watches {@code bucket} on {@code delegate}; {@code seed} picks the failing parts. */
  MultipartWatch(BlobStore delegate, String bucket, long seed) {
    super(delegate);
    this.bucket = requireNonNull(bucket, "bucket is null");
    this.random = new SplittableRandom(seed);
  }

  Counts counts() {
    return new Counts(begun.get(), completed.get(), aborted.get(), partErrors.get());
  }

  /**
   * Waits until no multipart request into the bucket has been in progress for {@code quietMillis},
   * or {@code timeoutMillis} passed; returns whether it got quiet.
   */
  boolean awaitQuiet(long quietMillis, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      if (inFlight.get() > 0) {
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince >= quietMillis * 1_000_000) {
        return true;
      }
      Thread.sleep(10);
    }
    return false;
  }

  /**
   * Waits while {@code alive} holds, for at most {@code timeoutMillis}, until more than {@code
   * completedBefore} uploads completed and then another part arrived; returns whether it did.
   */
  boolean awaitPartAfterCompletion(long completedBefore, BooleanSupplier alive, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    long partsBefore = -1;
    while (alive.getAsBoolean() && System.nanoTime() < deadline) {
      if (partsBefore < 0 && completed.get() > completedBefore) {
        partsBefore = partsArrived.get();
      } else if (partsBefore >= 0 && partsArrived.get() > partsBefore) {
        return true;
      }
      Thread.sleep(1);
    }
    return false;
  }

  @Override
  public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
    if (!bucket.equals(request.bucket())) {
      return super.initiateMultipartUpload(request);
    }
    inFlight.incrementAndGet();
    try {
      MultipartUpload upload = super.initiateMultipartUpload(request);
      begun.incrementAndGet();
      if (nextInt(DOOMED_ONE_IN) == 0) {
        doomed.add(upload.id());
      }
      return upload;
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public UploadPartResponse uploadMultipartPart(
      MultipartUpload upload, UploadPartRequest request, InputStream body) {
    if (!bucket.equals(upload.containerName())) {
      return super.uploadMultipartPart(upload, request, body);
    }
    inFlight.incrementAndGet();
    partsArrived.incrementAndGet();
    try {
      boolean fail =
          (doomed.contains(upload.id()) && request.partNumber() == 2)
              || nextInt(PART_ERROR_ONE_IN) == 0;
      if (fail) {
        // Read the body first: S3Proxy answering before it has the body makes the client see a
        // reset connection instead of the 500.
        drain(body);
        partErrors.incrementAndGet();
        throw S3Exceptions.fromStatusCode(500);
      }
      return super.uploadMultipartPart(upload, request, body);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public CompleteMultipartUploadResponse completeMultipartUpload(
      MultipartUpload upload, CompleteMultipartUploadRequest request) {
    if (!bucket.equals(upload.containerName())) {
      return super.completeMultipartUpload(upload, request);
    }
    inFlight.incrementAndGet();
    try {
      CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
      completed.incrementAndGet();
      return response;
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public void abortMultipartUpload(MultipartUpload upload) {
    super.abortMultipartUpload(upload);
    if (bucket.equals(upload.containerName())) {
      aborted.incrementAndGet();
      doomed.remove(upload.id());
    }
  }

  private synchronized int nextInt(int bound) {
    return random.nextInt(bound);
  }

  private static void drain(InputStream body) {
    try {
      body.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // The client went away (perhaps killed); the answer reaches no one either way.
    }
  }
}
