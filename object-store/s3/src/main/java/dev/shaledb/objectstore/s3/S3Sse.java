package dev.shaledb.objectstore.s3;

import static java.util.Objects.requireNonNull;

import dev.shaledb.objectstore.ObjectStoreException;
import java.util.Optional;
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
    return apply(b, PUT);
  }

  CreateMultipartUploadRequest.Builder create(CreateMultipartUploadRequest.Builder b) {
    return apply(b, CREATE);
  }

  UploadPartRequest.Builder part(UploadPartRequest.Builder b) {
    return apply(b, PART);
  }

  /** S3 documents the SSE-C headers on the completion too; S3Proxy 4.1.0 takes them. */
  CompleteMultipartUploadRequest.Builder complete(CompleteMultipartUploadRequest.Builder b) {
    return apply(b, COMPLETE);
  }

  GetObjectRequest.Builder get(GetObjectRequest.Builder b) {
    return apply(b, GET);
  }

  HeadObjectRequest.Builder head(HeadObjectRequest.Builder b) {
    return apply(b, HEAD);
  }

  /**
   * Why the answer to a request that created an object (PutObject, CreateMultipartUpload) shows the
   * server did not apply this encryption, or empty if it did. S3 echoes the mode it applied ({@code
   * x-amz-server-side-encryption}, or the SSE-C algorithm and key MD5); Ceph RGW 16 accepts an
   * SSE-S3 request without applying it and echoes nothing (measured in {@code RgwEncryptionTest}),
   * and data the user asked to be encrypted must not be stored in the clear silently. KMS key ids
   * are not compared: AWS answers with the key's ARN for an alias or id.
   */
  Optional<String> notApplied(String sse, String customerAlgorithm, String customerKeyMd5) {
    if (encryption instanceof S3Encryption.CustomerKey c) {
      return S3Encryption.AES256.equals(customerAlgorithm) && c.keyMd5().equals(customerKeyMd5)
          ? Optional.empty()
          : Optional.of(
              "SSE-C was asked for, and the answer echoes algorithm "
                  + customerAlgorithm
                  + " with "
                  + (customerKeyMd5 == null ? "no key MD5" : "another key MD5"));
    }
    String wanted =
        encryption instanceof S3Encryption.S3Managed
            ? S3Encryption.AES256
            : encryption instanceof S3Encryption.Kms ? S3Encryption.AWS_KMS : null;
    if (wanted == null || wanted.equals(sse)) {
      return Optional.empty();
    }
    return Optional.of(
        "x-amz-server-side-encryption: "
            + wanted
            + " was asked for, and the answer echoes "
            + (sse == null ? "none" : sse));
  }

  /**
   * The failure of a put whose object the server did not encrypt as asked ({@link #notApplied}).
   */
  static ObjectStoreException refused(String key, String operation, String why) {
    return new ObjectStoreException(
        operation
            + " of '"
            + key
            + "': the server did not apply the requested server-side encryption ("
            + why
            + "); refusing to store data in the clear. Use a mode this server supports (docs/s3.md,"
            + " \"Encryption at rest\")",
        false);
  }

  /**
   * The SSE setters of one kind of SDK request builder, which share no interface for them. {@code
   * mode} (the algorithm, KMS key id and Bucket Key flag) is null for requests that must not carry
   * them: all but those that create an object.
   */
  private record Setters<B>(
      ModeSetters<B> mode,
      BiConsumer<B, String> customerAlgorithm,
      BiConsumer<B, String> customerKey,
      BiConsumer<B, String> customerKeyMd5) {}

  private record ModeSetters<B>(
      BiConsumer<B, String> algorithm,
      BiConsumer<B, String> kmsKeyId,
      BiConsumer<B, Boolean> bucketKeyEnabled) {}

  private static final Setters<PutObjectRequest.Builder> PUT =
      new Setters<>(
          new ModeSetters<>(
              PutObjectRequest.Builder::serverSideEncryption,
              PutObjectRequest.Builder::ssekmsKeyId,
              PutObjectRequest.Builder::bucketKeyEnabled),
          PutObjectRequest.Builder::sseCustomerAlgorithm,
          PutObjectRequest.Builder::sseCustomerKey,
          PutObjectRequest.Builder::sseCustomerKeyMD5);

  private static final Setters<CreateMultipartUploadRequest.Builder> CREATE =
      new Setters<>(
          new ModeSetters<>(
              CreateMultipartUploadRequest.Builder::serverSideEncryption,
              CreateMultipartUploadRequest.Builder::ssekmsKeyId,
              CreateMultipartUploadRequest.Builder::bucketKeyEnabled),
          CreateMultipartUploadRequest.Builder::sseCustomerAlgorithm,
          CreateMultipartUploadRequest.Builder::sseCustomerKey,
          CreateMultipartUploadRequest.Builder::sseCustomerKeyMD5);

  private static final Setters<UploadPartRequest.Builder> PART =
      new Setters<>(
          null,
          UploadPartRequest.Builder::sseCustomerAlgorithm,
          UploadPartRequest.Builder::sseCustomerKey,
          UploadPartRequest.Builder::sseCustomerKeyMD5);

  private static final Setters<CompleteMultipartUploadRequest.Builder> COMPLETE =
      new Setters<>(
          null,
          CompleteMultipartUploadRequest.Builder::sseCustomerAlgorithm,
          CompleteMultipartUploadRequest.Builder::sseCustomerKey,
          CompleteMultipartUploadRequest.Builder::sseCustomerKeyMD5);

  private static final Setters<GetObjectRequest.Builder> GET =
      new Setters<>(
          null,
          GetObjectRequest.Builder::sseCustomerAlgorithm,
          GetObjectRequest.Builder::sseCustomerKey,
          GetObjectRequest.Builder::sseCustomerKeyMD5);

  private static final Setters<HeadObjectRequest.Builder> HEAD =
      new Setters<>(
          null,
          HeadObjectRequest.Builder::sseCustomerAlgorithm,
          HeadObjectRequest.Builder::sseCustomerKey,
          HeadObjectRequest.Builder::sseCustomerKeyMD5);

  /** Sets on {@code b} what this encryption needs on its kind of request (the class comment). */
  private <B> B apply(B b, Setters<B> setters) {
    ModeSetters<B> mode = setters.mode();
    if (encryption instanceof S3Encryption.CustomerKey c) {
      setters.customerAlgorithm().accept(b, S3Encryption.AES256);
      setters.customerKey().accept(b, c.keyBase64());
      setters.customerKeyMd5().accept(b, c.keyMd5());
    } else if (mode != null && encryption instanceof S3Encryption.S3Managed) {
      mode.algorithm().accept(b, S3Encryption.AES256);
    } else if (mode != null && encryption instanceof S3Encryption.Kms kms) {
      mode.algorithm().accept(b, S3Encryption.AWS_KMS);
      kms.keyId().ifPresent(id -> mode.kmsKeyId().accept(b, id));
      // Only true is sent: without the header S3 takes the bucket's own Bucket Key setting.
      if (kms.bucketKeyEnabled()) {
        mode.bucketKeyEnabled().accept(b, Boolean.TRUE);
      }
    }
    return b;
  }
}
