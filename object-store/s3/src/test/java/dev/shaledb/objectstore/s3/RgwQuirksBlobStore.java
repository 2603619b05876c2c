package dev.shaledb.objectstore.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Beneath S3Proxy's front end, answers as Ceph RGW 16.2.15 does where it differs from AWS
 * (measured: /work/shared/s3-compat.md, docs/ceph-rgw.md):
 *
 * <ul>
 *   <li>{@code If-Match} with the quoted ETag, which the AWS SDK sends as given, is refused with
 *       412 whatever the key holds; only the bare ETag is honoured (S3Proxy's own check above this
 *       store ignores the quotes, and so does {@link AtomicConditionsBlobStore});
 *   <li>CompleteMultipartUpload answers without an ETag (RGW sends {@code <ETag></ETag>}; S3Proxy
 *       can only leave the element out, which the SDK reads as no ETag as well).
 * </ul>
 *
 * RGW's 500 to the loser of an {@code If-Match} race is a fault of its own: {@link
 * FaultInjectingBlobStore#competitorWinsThen} with status 500. Records the form of every {@code
 * If-Match} that reaches it.
 */
final class RgwQuirksBlobStore extends ForwardingBlobStore {
  /** "quoted" or "bare", for each put with If-Match that reached this store, in order. */
  final List<String> ifMatchForms = new CopyOnWriteArrayList<>();

  RgwQuirksBlobStore(BlobStore delegate) {
    super(delegate);
  }

  @Override
  public PutObjectResponse putBlob(PutObjectRequest request, InputStream body) {
    String ifMatch = request.ifMatch();
    if (ifMatch != null && !ifMatch.equals("*")) {
      boolean quoted = ifMatch.startsWith("\"");
      ifMatchForms.add(quoted ? "quoted" : "bare");
      if (quoted) {
        drain(body);
        throw S3Exceptions.preconditionFailed(null);
      }
    }
    return super.putBlob(request, body);
  }

  @Override
  public CompleteMultipartUploadResponse completeMultipartUpload(
      MultipartUpload upload, CompleteMultipartUploadRequest request) {
    return super.completeMultipartUpload(upload, request).toBuilder().eTag(null).build();
  }

  private static void drain(InputStream body) {
    try {
      body.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // The client is gone; the refusal is the answer if it still listens.
    }
  }
}
