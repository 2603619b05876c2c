package dev.shaledb.objectstore.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Makes S3Proxy's conditional writes linearizable per key, as they are on AWS.
 *
 * <p>S3Proxy publishes {@code If-None-Match: *} atomically but evaluates {@code If-Match} by
 * reading the ETag and then writing, so concurrent compare-and-swaps can both win. This store
 * serialises every mutation of a key (put, delete, copy target, multipart completion) with a
 * striped lock and re-checks the put's conditions against the current ETag under it; S3Proxy's own
 * early check stays as a fast path. A refused put's body is read to its end first, so the client
 * receives the 412 or 404 instead of a reset connection.
 *
 * <p>Limit: S3Proxy drops {@code If-Match} from a CompleteMultipartUpload before the store sees it
 * (it checks it itself, not atomically), so only {@code If-None-Match} completions are atomic here.
 */
final class AtomicConditionsBlobStore extends ForwardingBlobStore {
  private static final int STRIPES = 64;

  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

  AtomicConditionsBlobStore(BlobStore delegate) {
    super(delegate);
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  @Override
  public PutObjectResponse putBlob(PutObjectRequest request, InputStream body) {
    return locked(
        request.bucket(),
        request.key(),
        () -> {
          try {
            check(request.bucket(), request.key(), request.ifMatch(), request.ifNoneMatch());
          } catch (RuntimeException refused) {
            drain(body);
            throw refused;
          }
          return delegate().putBlob(request, body);
        });
  }

  @Override
  public CompleteMultipartUploadResponse completeMultipartUpload(
      MultipartUpload upload, CompleteMultipartUploadRequest request) {
    String bucket = upload.containerName();
    String key = upload.blobName();
    return locked(
        bucket,
        key,
        () -> {
          check(bucket, key, request.ifMatch(), request.ifNoneMatch());
          return delegate().completeMultipartUpload(upload, request);
        });
  }

  @Override
  public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
    return locked(request.bucket(), request.key(), () -> delegate().removeBlob(request));
  }

  @Override
  public CopyObjectResponse copyBlob(CopyObjectRequest request) {
    return locked(
        request.destinationBucket(), request.destinationKey(), () -> delegate().copyBlob(request));
  }

  private void check(String bucket, String key, String ifMatch, String ifNoneMatch) {
    if (ifMatch == null && ifNoneMatch == null) {
      return;
    }
    HeadObjectResponse current = delegate().blobMetadataIfPresent(bucket, key);
    if (ifMatch != null) {
      if (current == null) {
        throw S3Exceptions.noSuchKey(bucket, key, null);
      }
      if (!ifMatch.equals("*") && !sameETag(ifMatch, current.eTag())) {
        throw S3Exceptions.preconditionFailed(null);
      }
    }
    if (ifNoneMatch != null && current != null) {
      if (ifNoneMatch.equals("*") || sameETag(ifNoneMatch, current.eTag())) {
        throw S3Exceptions.preconditionFailed(null);
      }
    }
  }

  private static boolean sameETag(String a, String b) {
    return b != null && unquote(a).equals(unquote(b));
  }

  private static String unquote(String eTag) {
    String s = eTag.startsWith("W/") ? eTag.substring(2) : eTag;
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
        ? s.substring(1, s.length() - 1)
        : s;
  }

  private <T> T locked(String bucket, String key, Supplier<T> action) {
    ReentrantLock lock = locks[Math.floorMod((bucket + '/' + key).hashCode(), STRIPES)];
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  private static void drain(InputStream body) {
    try {
      body.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // The client is gone; the refusal below is still the answer if it is listening.
    }
  }
}
