package dev.shaledb.objectstore.s3;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

/**
 * The server-side encryption an {@link S3ObjectStore} asks for on every object it writes
 * (docs/s3.md, "Encryption at rest"). Immutable. Which request carries which header is decided in
 * one place, {@code S3Sse}.
 *
 * <ul>
 *   <li>{@link #none()}: no header; the bucket's default encryption applies (on AWS, SSE-S3 for
 *       every bucket since January 2023).
 *   <li>{@link #s3Managed()}: SSE-S3, {@code x-amz-server-side-encryption: AES256}.
 *   <li>{@link #kms(Optional, boolean)}: SSE-KMS with a key id (or the AWS-managed {@code aws/s3}
 *       key) and, optionally, an S3 Bucket Key.
 *   <li>{@link #customerKey(byte[])}: SSE-C with a 256-bit key the user keeps; the server stores
 *       only a hash of it, so every read needs the key again, and losing it loses the database.
 * </ul>
 *
 * No {@code toString()} shows a customer key; it shows the key's MD5, which S3 itself returns in
 * its answers and which tells which key is configured.
 */
public sealed interface S3Encryption
    permits S3Encryption.None, S3Encryption.S3Managed, S3Encryption.Kms, S3Encryption.CustomerKey {

  /** S3's name of the one SSE-S3 and SSE-C algorithm. */
  String AES256 = "AES256";

  /** S3's name of SSE-KMS. */
  String AWS_KMS = "aws:kms";

  /** No encryption header: the bucket's default encryption applies. The default. */
  static S3Encryption none() {
    return None.INSTANCE;
  }

  /** SSE-S3: keys managed by S3 ({@code AES256}). */
  static S3Encryption s3Managed() {
    return S3Managed.INSTANCE;
  }

  /**
   * SSE-KMS with {@code keyId} (a key id, key ARN, alias name or alias ARN), or, if empty, the
   * AWS-managed key {@code aws/s3}; {@code bucketKeyEnabled} asks for an S3 Bucket Key, which cuts
   * the KMS requests (and their cost) of many objects.
   */
  static S3Encryption kms(Optional<String> keyId, boolean bucketKeyEnabled) {
    return new Kms(keyId, bucketKeyEnabled);
  }

  /** SSE-C with {@code key}, exactly 32 bytes (AES-256); the array is copied. */
  static S3Encryption customerKey(byte[] key) {
    return new CustomerKey(key);
  }

  /** No encryption header. */
  record None() implements S3Encryption {
    private static final None INSTANCE = new None();

    @Override
    public String toString() {
      return "none";
    }
  }

  /** SSE-S3. */
  record S3Managed() implements S3Encryption {
    private static final S3Managed INSTANCE = new S3Managed();

    @Override
    public String toString() {
      return "s3Managed[" + AES256 + "]";
    }
  }

  /**
   * SSE-KMS.
   *
   * @param keyId the KMS key, or empty for the AWS-managed {@code aws/s3} key; not blank
   * @param bucketKeyEnabled whether S3 uses a Bucket Key for the objects
   */
  record Kms(Optional<String> keyId, boolean bucketKeyEnabled) implements S3Encryption {
    public Kms {
      requireNonNull(keyId, "keyId is null");
      if (keyId.isPresent() && keyId.get().isBlank()) {
        throw new IllegalArgumentException("KMS keyId is blank; leave it out for the aws/s3 key");
      }
    }

    @Override
    public String toString() {
      return "kms[keyId="
          + keyId.orElse("(aws/s3)")
          + ", bucketKeyEnabled="
          + bucketKeyEnabled
          + "]";
    }
  }

  /**
   * SSE-C: a 256-bit key sent with every write and every read. Holds its own copy of the key, and
   * its base64 form and MD5 computed once. Equal to another with the same key bytes.
   */
  final class CustomerKey implements S3Encryption {
    /** SSE-C's only key size: AES-256. */
    public static final int KEY_BYTES = 32;

    private final byte[] key;
    private final String keyBase64;
    private final String keyMd5;

    private CustomerKey(byte[] key) {
      requireNonNull(key, "customer key is null");
      if (key.length != KEY_BYTES) {
        // The length only: the message must not carry any part of the key.
        throw new IllegalArgumentException(
            "SSE-C customer key must be "
                + KEY_BYTES
                + " bytes (AES-256), not "
                + key.length
                + " bytes");
      }
      this.key = key.clone();
      this.keyBase64 = Base64.getEncoder().encodeToString(this.key);
      this.keyMd5 = Base64.getEncoder().encodeToString(md5(this.key));
    }

    /** The base64 MD5 of the key, as S3 sends it back ({@code ...-customer-key-MD5}). */
    public String keyMd5() {
      return keyMd5;
    }

    /** The key in base64, for the request header; package-private so it does not travel. */
    String keyBase64() {
      return keyBase64;
    }

    private static byte[] md5(byte[] bytes) {
      try {
        return MessageDigest.getInstance("MD5").digest(bytes);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java platform has MD5", e);
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CustomerKey other && MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
      return keyMd5.hashCode();
    }

    @Override
    public String toString() {
      return "customerKey[md5=" + keyMd5 + "]";
    }
  }
}
