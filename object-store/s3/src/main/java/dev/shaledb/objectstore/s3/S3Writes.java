package dev.shaledb.objectstore.s3;

import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PreconditionFailedException;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Puts, and the resolution of ambiguous and refused conditional puts (docs/s3.md, "Server quirks").
 *
 * <p>Every put carries a fresh random write id in its user metadata. A conditional put that failed
 * is resolved by that id when any attempt the SDK transmitted may have been applied (see {@link
 * AttemptLog}): a 412 after a retry can be our own earlier attempt (a 5xx whose write was applied,
 * as when Ceph RGW answers a lost {@code If-Match} race with 500), and a timeout or dropped
 * connection says nothing at all. The key is then read back: if it carries our write id, the put
 * succeeded. Otherwise the outcome is unknown, never "precondition failed" or "not found": our
 * attempt may have been applied and then replaced or deleted by someone else, or may still be in
 * flight somewhere and land later. Only when every attempt provably was rejected is a 412 (or a 404
 * for {@code ifMatch}) reported as such; when every attempt provably was not applied but none got
 * an answer, a HEAD decides whether the condition is false.
 *
 * <p>A 412 to an {@code ifMatch} put is always checked with a HEAD, because servers disagree on
 * what it means:
 *
 * <ul>
 *   <li>the key is absent: {@link ObjectNotFoundException}, as the {@code ObjectStore} contract
 *       says (AWS answers 404 here, Ceph RGW 16 412);
 *   <li>the key holds another version: {@link PreconditionFailedException};
 *   <li>the key holds exactly the version the condition names, and not our write: the server
 *       refused the form of the ETag (Ceph RGW 16 takes only the bare ETag, AWS documents the
 *       quoted one). The put is sent once more with the other form, and the store keeps the form
 *       that worked for its later puts ({@link #ifMatchForm}). If both forms are refused, the put
 *       fails with a non-retryable {@link ObjectStoreException}: this server's {@code If-Match}
 *       cannot be used.
 * </ul>
 *
 * The second send is the same conditional put with the same write id, so at most one of the two can
 * land, and a landed one is recognised by the write id.
 */
final class S3Writes {
  private static final Logger LOG = LoggerFactory.getLogger(S3Writes.class);

  /** User-metadata name of the write id (header {@code x-amz-meta-shaledb-write-id}). */
  static final String WRITE_ID = "shaledb-write-id";

  /** How an ETag is written in an {@code If-Match} header. */
  enum IfMatchForm {
    /** {@code "etag"}: what S3 documents and sends, and what the SDK passes on unchanged. */
    QUOTED,
    /** {@code etag}: the only form Ceph RGW 16 honours. */
    BARE;

    String header(String version) {
      return this == QUOTED ? S3Responses.quoted(version) : version;
    }

    IfMatchForm other() {
      return this == QUOTED ? BARE : QUOTED;
    }
  }

  private final S3Bucket bucket;
  private final String store;

  /** The form of {@code If-Match} this store's server honours, as last learned. */
  private final AtomicReference<IfMatchForm> ifMatchForm =
      new AtomicReference<>(IfMatchForm.QUOTED);

  /** {@code store} names the store in log lines. */
  S3Writes(S3Bucket bucket, String store) {
    this.bucket = bucket;
    this.store = store;
  }

  static String newWriteId() {
    return UUID.randomUUID().toString();
  }

  /** The form the next {@code If-Match} is sent in. */
  IfMatchForm ifMatchForm() {
    return ifMatchForm.get();
  }

  /** One put in a single request: what is sent, and the write id that marks its object. */
  private record Put(String key, byte[] data, PutCondition condition, String writeId) {}

  CompletableFuture<ObjectMeta> putSingle(String key, byte[] data, PutCondition condition) {
    return send(new Put(key, data, condition, newWriteId()), ifMatchForm.get(), false, false);
  }

  /**
   * Sends {@code put} with {@code If-Match} in {@code form}. {@code otherFormTried}: this is the
   * second send with the other form; {@code earlierMayHaveApplied}: an attempt of the first send
   * may have been applied.
   */
  private CompletableFuture<ObjectMeta> send(
      Put put, IfMatchForm form, boolean otherFormTried, boolean earlierMayHaveApplied) {
    AttemptLog log = new AttemptLog(put.data.length);
    PutObjectRequest.Builder request =
        bucket
            .sse()
            .put(
                PutObjectRequest.builder()
                    .bucket(bucket.name())
                    .key(bucket.s3Key(put.key))
                    .contentLength((long) put.data.length)
                    .metadata(Map.of(WRITE_ID, put.writeId))
                    .overrideConfiguration(withLog(log)));
    if (put.condition instanceof PutCondition.IfAbsent) {
      request.ifNoneMatch("*");
    } else if (put.condition instanceof PutCondition.IfMatch match) {
      request.ifMatch(form.header(match.version()));
    }
    // Unsafe = no copy: the store already owns a private copy of the bytes.
    AsyncRequestBody body =
        log.track(AsyncRequestBody.fromByteBufferUnsafe(ByteBuffer.wrap(put.data)));
    return bucket
        .client()
        .putObject(request.build(), body)
        .handle(
            (response, failure) -> {
              if (failure == null) {
                Optional<String> clear =
                    bucket
                        .sse()
                        .notApplied(
                            response.serverSideEncryptionAsString(),
                            response.sseCustomerAlgorithm(),
                            response.sseCustomerKeyMD5());
                if (clear.isPresent()) {
                  return CompletableFuture.<ObjectMeta>failedFuture(
                      S3Sse.refused(put.key, "PutObject", clear.get()));
                }
                return appliedMeta(
                    put.key, put.data.length, response.eTag(), response, put.writeId);
              }
              Failure f =
                  new Failure(
                      failure, log.attempts(), earlierMayHaveApplied || log.anyMayHaveApplied());
              if (put.condition instanceof PutCondition.IfMatch match
                  && S3Errors.status(failure) == 412) {
                return refusedIfMatch(put, match, form, otherFormTried, f);
              }
              if (!(put.condition instanceof PutCondition.None)
                  && !f.mayHaveApplied
                  && S3Errors.status(failure) == 0) {
                return unanswered(put, f);
              }
              if (put.condition instanceof PutCondition.None || !f.mayHaveApplied) {
                return CompletableFuture.<ObjectMeta>failedFuture(
                    S3Errors.forPut(put.key, put.condition, failure));
              }
              return resolve(put.key, put.condition, put.writeId, f);
            })
        .thenCompose(x -> x);
  }

  /** How a put's last request failed, and whether any attempt so far may have been applied. */
  private record Failure(Throwable cause, int attempts, boolean mayHaveApplied) {
    Throwable root() {
      return S3Errors.unwrap(cause);
    }
  }

  /** A 412 to an {@code ifMatch} put: tells by a HEAD what it means (see the class comment). */
  private CompletableFuture<ObjectMeta> refusedIfMatch(
      Put put,
      PutCondition.IfMatch match,
      IfMatchForm form,
      boolean otherFormTried,
      Failure failure) {
    return bucket
        .head(put.key)
        .handle(
            (head, headFailure) -> {
              if (headFailure != null) {
                boolean absent = S3Errors.isNotFound(headFailure);
                if (!failure.mayHaveApplied) {
                  throw absent
                      ? new ObjectNotFoundException(put.key)
                      : S3Errors.generic(put.key, headFailure);
                }
                throw unresolved(
                    put.key, put.condition, failure, absent ? ABSENT : readBackFailed(headFailure));
              }
              if (put.writeId.equals(head.metadata().get(WRITE_ID))) {
                return CompletableFuture.completedFuture(ownMeta(put.key, head));
              }
              Optional<String> current = S3Responses.versionIfPresent(head.eTag());
              if (current.isEmpty() || !current.get().equals(match.version())) {
                if (failure.mayHaveApplied) {
                  throw unresolved(put.key, put.condition, failure, NOT_OURS);
                }
                throw new PreconditionFailedException(put.key, put.condition);
              }
              // The key holds the very version named, and not our write: the form was refused.
              if (otherFormTried) {
                if (failure.mayHaveApplied) {
                  throw unresolved(put.key, put.condition, failure, NOT_OURS);
                }
                throw new ObjectStoreException(
                    "put of '"
                        + put.key
                        + "' ("
                        + put.condition
                        + ") was refused with 412 for the quoted and the bare ETag although the"
                        + " key holds that version: this server's If-Match cannot be used",
                    false,
                    failure.root());
              }
              IfMatchForm other = form.other();
              return send(put, other, true, failure.mayHaveApplied)
                  .thenApply(
                      meta -> {
                        learned(form, other);
                        return meta;
                      });
            })
        .thenCompose(x -> x);
  }

  /**
   * A conditional put that got no answer and provably was not applied (every attempt's body was cut
   * short: a server may answer a refused condition before it reads the body and close the
   * connection, as S3Proxy does for {@code If-Match}). A HEAD tells whether the condition is false
   * now; since nothing of ours was applied, the put may be taken to have happened at that moment:
   * {@link PreconditionFailedException}, or {@link ObjectNotFoundException} for {@code ifMatch} on
   * an absent key. If the condition holds, the failure itself is reported (retryable).
   */
  private CompletableFuture<ObjectMeta> unanswered(Put put, Failure failure) {
    return bucket
        .head(put.key)
        .handle(
            (head, headFailure) -> {
              boolean absent = headFailure != null && S3Errors.isNotFound(headFailure);
              if (headFailure != null && !absent) {
                throw S3Errors.forPut(put.key, put.condition, failure.cause);
              }
              if (!absent && put.writeId.equals(head.metadata().get(WRITE_ID))) {
                return ownMeta(put.key, head); // landed after all
              }
              if (put.condition instanceof PutCondition.IfMatch match) {
                if (absent) {
                  throw new ObjectNotFoundException(put.key);
                }
                Optional<String> current = S3Responses.versionIfPresent(head.eTag());
                if (current.isEmpty() || !current.get().equals(match.version())) {
                  throw new PreconditionFailedException(put.key, put.condition);
                }
              } else if (!absent) {
                throw new PreconditionFailedException(put.key, put.condition);
              }
              throw S3Errors.forPut(put.key, put.condition, failure.cause);
            });
  }

  /** Remembers that the server honours {@code If-Match} in the form {@code worked}. */
  private void learned(IfMatchForm refused, IfMatchForm worked) {
    if (ifMatchForm.compareAndSet(refused, worked)) {
      LOG.info(
          "{}: the server refused If-Match with the {} ETag although the key held that version,"
              + " and took the {} one; sending the {} form from now on",
          store,
          refused.name().toLowerCase(Locale.ROOT),
          worked.name().toLowerCase(Locale.ROOT),
          worked.name().toLowerCase(Locale.ROOT));
    }
  }

  static AwsRequestOverrideConfiguration withLog(AttemptLog log) {
    return AwsRequestOverrideConfiguration.builder()
        .putExecutionAttribute(AttemptLog.ATTRIBUTE, log)
        .build();
  }

  /**
   * Completes as {@code toMeta} of the response does, or fails as {@link S3Errors#forPut} says for
   * an unconditional write. The one failure resolved by write id is NoSuchUpload after an attempt
   * that may have been applied (of this call, or of an earlier call: {@code
   * earlierMayHaveApplied}): S3 lost track of a multipart upload that an earlier attempt of its
   * completion may already have finished.
   */
  <R> CompletableFuture<ObjectMeta> settleUnconditional(
      CompletableFuture<R> write,
      Function<R, CompletableFuture<ObjectMeta>> toMeta,
      String key,
      String writeId,
      AttemptLog log,
      boolean earlierMayHaveApplied) {
    return write
        .handle(
            (response, failure) -> {
              if (failure == null) {
                return toMeta.apply(response);
              }
              boolean lostUpload = S3Errors.code(failure).equals("NoSuchUpload");
              if (!lostUpload || !(earlierMayHaveApplied || log.anyMayHaveApplied())) {
                return CompletableFuture.<ObjectMeta>failedFuture(
                    S3Errors.forPut(key, PutCondition.none(), failure));
              }
              return resolve(
                  key, PutCondition.none(), writeId, new Failure(failure, log.attempts(), true));
            })
        .thenCompose(f -> f);
  }

  /** Reads the key back: our write id means success, anything else is {@link #unresolved}. */
  private CompletableFuture<ObjectMeta> resolve(
      String key, PutCondition condition, String writeId, Failure failure) {
    return bucket
        .head(key)
        .handle(
            (head, headFailure) -> {
              if (headFailure != null) {
                if (S3Errors.isNotFound(headFailure)) {
                  throw unresolved(key, condition, failure, ABSENT);
                }
                throw unresolved(key, condition, failure, readBackFailed(headFailure));
              }
              if (!writeId.equals(head.metadata().get(WRITE_ID))) {
                throw unresolved(key, condition, failure, NOT_OURS);
              }
              return ownMeta(key, head);
            });
  }

  private static final String NOT_OURS = "it does not carry this put's write id";
  private static final String ABSENT = "the key is absent";

  private static String readBackFailed(Throwable headFailure) {
    return "reading it back failed (" + S3Errors.unwrap(headFailure) + ")";
  }

  /**
   * A put that may have been applied and could not be found: unknown outcome for a conditional put,
   * a retryable failure for an unconditional one (putting the same bytes again is harmless).
   */
  private static RuntimeException unresolved(
      String key, PutCondition condition, Failure failure, String found) {
    String message =
        "put of '"
            + key
            + "' ("
            + condition
            + ") failed after "
            + failure.attempts
            + " attempt(s) with "
            + failure.root()
            + "; an attempt may have been applied, and "
            + found;
    if (condition instanceof PutCondition.None) {
      return new ObjectStoreException(message, true, failure.root());
    }
    return new OutcomeUnknownException(message, failure.root());
  }

  /** The metadata of our own object from a HEAD that shows our write id. */
  private static ObjectMeta ownMeta(String key, HeadObjectResponse head) {
    ObjectMeta own = S3Responses.meta(key, head);
    if (own.lastModified().equals(ObjectMeta.UNKNOWN_TIME)) {
      throw notSaid(
          key,
          own.version(),
          "when",
          "its answer was lost and a HEAD of it has no Last-Modified",
          null);
    }
    return own;
  }

  /**
   * The metadata of a put the store applied: its version is the answer's ETag and its time the
   * answer's Date header, by the store's clock (S3's Last-Modified has the same one-second
   * resolution but is only on HEAD and GET answers). An answer without a parseable Date, or without
   * an ETag (Ceph RGW 16 completes multipart uploads with an empty one), is completed from a HEAD
   * of the key, if the object there carries this put's write id (it may already have been
   * replaced). Neither the local clock nor a guessed version is ever used: ages compared across
   * clocks could make a fresh object look old, and a wrong version would make the next {@code
   * ifMatch} fail. When the store says nothing, the put fails with a non-retryable {@link
   * ObjectStoreException}, although the object was written (see {@code ObjectStore}).
   */
  CompletableFuture<ObjectMeta> appliedMeta(
      String key, long size, String eTag, SdkResponse response, String writeId) {
    Optional<String> version = S3Responses.versionIfPresent(eTag);
    Optional<Instant> date =
        response.sdkHttpResponse().firstMatchingHeader("Date").flatMap(S3Writes::parseHttpDate);
    if (version.isPresent() && date.isPresent()) {
      return CompletableFuture.completedFuture(
          new ObjectMeta(key, size, version.get(), date.get()));
    }
    String what = version.isEmpty() ? "its version" : "when";
    String lacks = version.isEmpty() ? NO_ETAG : NO_DATE;
    String known = version.orElse("unknown");
    return bucket
        .head(key)
        .handle(
            (head, failure) -> {
              if (failure != null) {
                Throwable cause = S3Errors.unwrap(failure);
                throw notSaid(
                    key, known, what, lacks + "reading it back failed (" + cause + ")", cause);
              }
              if (!writeId.equals(head.metadata().get(WRITE_ID))) {
                throw notSaid(
                    key,
                    known,
                    what,
                    lacks + "another write replaced it before a HEAD could tell",
                    null);
              }
              String headVersion =
                  version
                      .or(() -> S3Responses.versionIfPresent(head.eTag()))
                      .orElseThrow(
                          () -> notSaid(key, known, what, lacks + "a HEAD of it has none", null));
              Instant time = date.orElse(head.lastModified());
              if (time == null) {
                throw notSaid(
                    key, headVersion, "when", lacks + "a HEAD of it has no Last-Modified", null);
              }
              return new ObjectMeta(key, size, headVersion, time);
            });
  }

  private static final String NO_DATE = "its answer has no Date header, and ";
  private static final String NO_ETAG = "its answer has no ETag, and ";

  private static ObjectStoreException notSaid(
      String key, String version, String what, String why, Throwable cause) {
    return new ObjectStoreException(
        "put of '"
            + key
            + "' was applied (version "
            + version
            + ") but the store did not say "
            + what
            + ": "
            + why
            + "; neither the local clock nor a guessed version is used instead",
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
