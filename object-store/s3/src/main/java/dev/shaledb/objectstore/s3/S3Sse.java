package dev.shaledb.objectstore.s3;

import static java.util.Objects.requireNonNull;

import java.util.function.BiConsumer;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The one place that puts a store's {@link S3Encryption} on its requests (docs/s3.md, "Encryption
 * at rest"). Every request that reads or writes an object's bytes or metadata passes through here:
 *
 * <ul>
 *   <li>requests that create an object, PutObject and CreateMultipartUpload, get the headers of
 *       every mode: {@code x-amz-server-side-encryption} (with the KMS key id and the Bucket Key
 *       flag) or the three SSE-C headers;
 *   <li>requests that touch an existing object or upload, UploadPart, CompleteMultipartUpload,
 *       GetObject (ranged or not) and HeadObject, get the SSE-C headers only: the server needs the
 *       key again for the parts and to read, while SSE-S3 and SSE-KMS headers are refused on GET
 *       and HEAD (AWS answers 400, and so does S3Proxy 4.1.0: measured in {@code
 *       S3EncryptionTest}). The HEADs that resolve a put by its write id go through {@link
 *       S3Bucket#head}, so they carry the key too.
 * </ul>
 *
 * Deletes, aborts and listings need no header. The SDK marks the key header sensitive, so its own
 * {@code toString()} of a request shows {@code ***}.
 */
final class S3Sse {
  private final S3Encryption encryption;

  S3Sse(S3Encryption encryption) {
    this.encryption = requireNonNull(encryption, "encryption is null");
  }

  S3Encryption encryption() {
    return encryption;
  }

  PutObjectRequest.Builder put(PutObjectRequest.Builder b) {
    if (encryption instanceof S3Encryption.S3Managed) {
      b.serverSideEncryption(S3Encryption.AES256);
    } else if (encryption instanceof S3Encryption.Kms kms) {
      b.serverSideEncryption(S3Encryption.AWS_KMS)
          .ssekmsKeyId(kms.keyId().orElse(null))
          .bucketKeyEnabled(bucketKey(kms));
    }
    return withCustomerKey(
        b,
        PutObjectRequest.Builder::sseCustomerAlgorithm,
        PutObjectRequest.Builder::sseCustomerKey,
        PutObjectRequest.Builder::sseCustomerKeyMD5);
  }

  CreateMultipartUploadRequest.Builder create(CreateMultipartUploadRequest.Builder b) {
    if (encryption instanceof S3Encryption.S3Managed) {
      b.serverSideEncryption(S3Encryption.AES256);
    } else if (encryption instanceof S3Encryption.Kms kms) {
      b.serverSideEncryption(S3Encryption.AWS_KMS)
          .ssekmsKeyId(kms.keyId().orElse(null))
          .bucketKeyEnabled(bucketKey(kms));
    }
    return withCustomerKey(
        b,
        CreateMultipartUploadRequest.Builder::sseCustomerAlgorithm,
        CreateMultipartUploadRequest.Builder::sseCustomerKey,
        CreateMultipartUploadRequest.Builder::sseCustomerKeyMD5);
  }

  UploadPartRequest.Builder part(UploadPartRequest.Builder b) {
    return withCustomerKey(
        b,
        UploadPartRequest.Builder::sseCustomerAlgorithm,
        UploadPartRequest.Builder::sseCustomerKey,
        UploadPartRequest.Builder::sseCustomerKeyMD5);
  }

  /** S3 documents the SSE-C headers on the completion too; S3Proxy 4.1.0 takes them. */
  CompleteMultipartUploadRequest.Builder complete(CompleteMultipartUploadRequest.Builder b) {
    return withCustomerKey(
        b,
        CompleteMultipartUploadRequest.Builder::sseCustomerAlgorithm,
        CompleteMultipartUploadRequest.Builder::sseCustomerKey,
        CompleteMultipartUploadRequest.Builder::sseCustomerKeyMD5);
  }

  GetObjectRequest.Builder get(GetObjectRequest.Builder b) {
    return withCustomerKey(
        b,
        GetObjectRequest.Builder::sseCustomerAlgorithm,
        GetObjectRequest.Builder::sseCustomerKey,
        GetObjectRequest.Builder::sseCustomerKeyMD5);
  }

  HeadObjectRequest.Builder head(HeadObjectRequest.Builder b) {
    return withCustomerKey(
        b,
        HeadObjectRequest.Builder::sseCustomerAlgorithm,
        HeadObjectRequest.Builder::sseCustomerKey,
        HeadObjectRequest.Builder::sseCustomerKeyMD5);
  }

  /** Only {@code true} is sent: without the header S3 takes the bucket's own Bucket Key setting. */
  private static Boolean bucketKey(S3Encryption.Kms kms) {
    return kms.bucketKeyEnabled() ? Boolean.TRUE : null;
  }

  /**
   * Sets the three SSE-C headers through {@code b}'s setters, if the encryption is SSE-C. The SDK's
   * request builders share no interface for them, hence the setters as arguments.
   */
  private <B> B withCustomerKey(
      B b,
      BiConsumer<B, String> algorithm,
      BiConsumer<B, String> key,
      BiConsumer<B, String> keyMd5) {
    if (encryption instanceof S3Encryption.CustomerKey c) {
      algorithm.accept(b, S3Encryption.AES256);
      key.accept(b, c.keyBase64());
      keyMd5.accept(b, c.keyMd5());
    }
    return b;
  }
}
