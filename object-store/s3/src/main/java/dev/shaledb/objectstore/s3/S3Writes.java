package dev.shaledb.objectstore.s3;

import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Puts, and the resolution of ambiguous conditional puts.
 *
 * <p>Every put carries a fresh random write id in its user metadata. A conditional put that failed
 * is resolved by that id when any attempt the SDK transmitted may have been applied (see {@link
 * AttemptLog}): a 412 after a retry can be our own earlier attempt, and a timeout or dropped
 * connection says nothing at all. The key is then read back: if it carries our write id, the put
 * succeeded. Otherwise the outcome is unknown, never "precondition failed" or "not found": our
 * attempt may have been applied and then replaced or deleted by someone else, or may still be in
 * flight somewhere and land later. Only when every attempt provably was rejected is a 412 (or a 404
 * for {@code ifMatch}) reported as such.
 */
final class S3Writes {
  /** User-metadata name of the write id (header {@code x-amz-meta-shaledb-write-id}). */
  static final String WRITE_ID = "shaledb-write-id";

  private final S3Bucket bucket;

  S3Writes(S3Bucket bucket) {
    this.bucket = bucket;
  }

  static String newWriteId() {
    return UUID.randomUUID().toString();
  }

  CompletableFuture<ObjectMeta> putSingle(String key, byte[] data, PutCondition condition) {
    String writeId = newWriteId();
    AttemptLog log = new AttemptLog(data.length);
    PutObjectRequest.Builder request =
        PutObjectRequest.builder()
            .bucket(bucket.name())
            .key(bucket.s3Key(key))
            .contentLength((long) data.length)
            .metadata(Map.of(WRITE_ID, writeId))
            .overrideConfiguration(withLog(log));
    if (condition instanceof PutCondition.IfAbsent) {
      request.ifNoneMatch("*");
    } else if (condition instanceof PutCondition.IfMatch match) {
      request.ifMatch(S3Responses.quoted(match.version()));
    }
    // Unsafe = no copy: the store already owns a private copy of the bytes.
    AsyncRequestBody body = log.track(AsyncRequestBody.fromByteBufferUnsafe(ByteBuffer.wrap(data)));
    return settle(
        bucket.client().putObject(request.build(), body),
        r -> appliedMeta(key, data.length, r.eTag(), r, writeId),
        key,
        condition,
        writeId,
        log);
  }

  static AwsRequestOverrideConfiguration withLog(AttemptLog log) {
    return AwsRequestOverrideConfiguration.builder()
        .putExecutionAttribute(AttemptLog.ATTRIBUTE, log)
        .build();
  }

  /**
   * Completes as {@code toMeta} of the response does, or resolves a failure as the class comment
   * says. Unconditional writes are resolved only when S3 lost track of a multipart upload that a
   * retry of its completion may already have finished (NoSuchUpload).
   */
  <R> CompletableFuture<ObjectMeta> settle(
      CompletableFuture<R> write,
      Function<R, CompletableFuture<ObjectMeta>> toMeta,
      String key,
      PutCondition condition,
      String writeId,
      AttemptLog log) {
    return write
        .handle(
            (response, failure) -> {
              if (failure == null) {
                return toMeta.apply(response);
              }
              boolean conditional = !(condition instanceof PutCondition.None);
              boolean lostUpload = S3Errors.code(failure).equals("NoSuchUpload");
              if ((!conditional && !lostUpload) || !log.anyMayHaveApplied()) {
                return CompletableFuture.<ObjectMeta>failedFuture(
                    S3Errors.forPut(key, condition, failure));
              }
              return resolve(key, condition, writeId, log, failure);
            })
        .thenCompose(f -> f);
  }

  private CompletableFuture<ObjectMeta> resolve(
      String key, PutCondition condition, String writeId, AttemptLog log, Throwable failure) {
    return findOwn(key, writeId)
        .handle(
            (own, headFailure) -> {
              if (own != null) {
                if (own.lastModified().equals(ObjectMeta.UNKNOWN_TIME)) {
                  throw noTime(
                      key,
                      own.version(),
                      "its answer was lost and a HEAD of it has no Last-Modified",
                      null);
                }
                return own;
              }
              String found =
                  headFailure != null
                      ? "reading it back failed (" + S3Errors.unwrap(headFailure) + ")"
                      : "it does not carry this put's write id";
              String message =
                  "put of '"
                      + key
                      + "' ("
                      + condition
                      + ") failed after "
                      + log.attempts()
                      + " attempt(s) with "
                      + S3Errors.unwrap(failure)
                      + "; an attempt may have been applied, and "
                      + found;
              if (condition instanceof PutCondition.None) {
                throw new ObjectStoreException(message, true, S3Errors.unwrap(failure));
              }
              throw new OutcomeUnknownException(message, S3Errors.unwrap(failure));
            });
  }

  /** The key's metadata if its current object carries {@code writeId}, else null. */
  private CompletableFuture<ObjectMeta> findOwn(String key, String writeId) {
    return bucket
        .head(key)
        .handle(
            (head, failure) -> {
              if (failure != null) {
                if (S3Errors.isNotFound(failure)) {
                  return null;
                }
                throw S3Errors.generic(key, failure);
              }
              return writeId.equals(head.metadata().get(WRITE_ID))
                  ? S3Responses.meta(key, head)
                  : null;
            });
  }

  /**
   * The metadata of a put the store applied, with the time it applied it by the store's clock: the
   * answer's Date header (S3's Last-Modified has the same one-second resolution but is only on HEAD
   * and GET answers). An answer without a parseable Date gets its time from a HEAD of the key, if
   * the object there carries this put's write id (it may already have been replaced). The local
   * clock is never used: ages compared across clocks could make a fresh object look old. When the
   * store says nothing, the put fails with a non-retryable {@link ObjectStoreException}, although
   * the object was written.
   */
  CompletableFuture<ObjectMeta> appliedMeta(
      String key, long size, String eTag, SdkResponse response, String writeId) {
    String version = S3Responses.version(eTag);
    Optional<Instant> date =
        response.sdkHttpResponse().firstMatchingHeader("Date").flatMap(S3Writes::parseHttpDate);
    if (date.isPresent()) {
      return CompletableFuture.completedFuture(new ObjectMeta(key, size, version, date.get()));
    }
    return bucket
        .head(key)
        .handle(
            (head, failure) -> {
              if (failure != null) {
                Throwable cause = S3Errors.unwrap(failure);
                throw noTime(
                    key, version, NO_DATE + "reading it back failed (" + cause + ")", cause);
              }
              if (!writeId.equals(head.metadata().get(WRITE_ID))) {
                throw noTime(
                    key,
                    version,
                    NO_DATE + "another write replaced it before its Last-Modified could be read",
                    null);
              }
              if (head.lastModified() == null) {
                throw noTime(key, version, NO_DATE + "a HEAD of it has no Last-Modified", null);
              }
              return new ObjectMeta(key, size, version, head.lastModified());
            });
  }

  private static final String NO_DATE = "its answer has no Date header, and ";

  private static ObjectStoreException noTime(
      String key, String version, String why, Throwable cause) {
    return new ObjectStoreException(
        "put of '"
            + key
            + "' was applied (version "
            + version
            + ") but the store did not say when: "
            + why
            + "; the local clock is never used instead",
        false,
        cause);
  }

  private static Optional<Instant> parseHttpDate(String value) {
    try {
      return Optional.of(
          ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
