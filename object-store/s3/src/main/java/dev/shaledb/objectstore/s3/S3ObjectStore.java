package dev.shaledb.objectstore.s3;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.InvalidRangeException;
import dev.shaledb.objectstore.MultipartUpload;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectKeys;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.ObjectStores;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.objectstore.SelfRetryingObjectStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/**
 * An {@link ObjectStore} on Amazon S3 or an S3-compatible server, through the AWS SDK's async
 * client; see {@link S3Config} for the settings and docs/s3.md for how to connect and which server
 * quirks are handled.
 *
 * <ul>
 *   <li>Object keys are stored under {@link S3Config#prefix()}; listings strip it again.
 *   <li>{@code ifAbsent} and {@code ifMatch} become {@code If-None-Match: *} and {@code If-Match}.
 *       A conditional put always goes up in one PUT (at most {@link S3Config#maxSinglePutBytes()}):
 *       some S3 implementations ignore conditions on CompleteMultipartUpload (Ceph RGW 16) or
 *       document none (Google Cloud Storage), so a condition never rides on one. Unconditional puts
 *       larger than {@link S3Config#multipartThresholdBytes()} are uploaded in parts, as are
 *       streamed uploads ({@link #upload}) larger than {@link S3Config#partSizeBytes()}: {@link
 *       ObjectStore#upload} sends each part as soon as it is full, and a failed upload is aborted
 *       (an upload left by a process that died is for the bucket's lifecycle rule: docs/s3.md).
 *   <li>{@code If-Match} is sent with the quoted ETag, as S3 documents it; a server that refuses
 *       that form although the key holds the ETag (Ceph RGW 16 answers 412) is detected by a HEAD,
 *       the put is sent once more with the bare ETag, and the store keeps using whichever form
 *       worked (see {@code S3Writes}).
 *   <li>The SDK's standard retry strategy is the only retry layer. A conditional put with an
 *       ambiguous outcome (a 412 after a retry, a 5xx, a timeout) is resolved by a write id stored
 *       in the object's metadata, or else reported as {@link
 *       dev.shaledb.error.OutcomeUnknownException}; see {@code S3Writes}.
 *   <li>{@link ObjectMeta#version()} is the ETag without quotes. S3 derives it from the content
 *       (without SSE-KMS), so putting the very same bytes again keeps the version: {@code ifMatch}
 *       is only a safe compare-and-swap for contents that differ from write to write (ShaleDB's
 *       carry epochs and ids). The {@link ObjectMeta#lastModified()} a put returns is the
 *       response's Date, which may be a second after the Last-Modified that {@link #head} reports.
 *       An answer without a Date or without an ETag (Ceph RGW 16 completes multipart uploads with
 *       an empty one) is completed by a HEAD that shows the put's write id; without that the put
 *       fails (see {@link ObjectStore}): never the local clock, never a guessed version. A HEAD or
 *       listing without Last-Modified reports {@link ObjectMeta#UNKNOWN_TIME}.
 *   <li>On a directory bucket ({@link S3Config#directoryBucket()}) a listing asks for the longest
 *       prefix ending in '/' and never sends {@code StartAfter}; like every listing, its result is
 *       filtered and sorted here, so the {@link ObjectStore} contract holds.
 *   <li>Every object is written with {@link S3Config#encryption()}, and an SSE-C key goes with
 *       every read, part upload and HEAD of an object ({@code S3Sse}; docs/s3.md, "Encryption at
 *       rest").
 *   <li>A put copies the caller's bytes before it returns, so the caller may reuse its buffer at
 *       once.
 * </ul>
 */
public final class S3ObjectStore implements SelfRetryingObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);

  private final S3Config config;
  private final S3Bucket bucket;
  private final S3Writes writes;
  private final S3Multipart multipart;
  private final S3Clients.Handle handle;
  private final AtomicBoolean closed = new AtomicBoolean();

  private S3ObjectStore(S3Config config, S3Clients.Handle handle) {
    if (config.encryption() instanceof S3Encryption.CustomerKey
        && config.endpoint().map(e -> "http".equals(e.getScheme())).orElse(false)) {
      // AWS and Ceph RGW (by default) refuse SSE-C over http; a test server may take it.
      LOG.warn(
          "{}: the SSE-C key goes over plain http with every request, readable on the way;"
              + " use https",
          describe(config));
    }
    this.config = config;
    this.handle = handle;
    this.bucket =
        new S3Bucket(
            handle.client(), config.bucket(), config.prefix(), new S3Sse(config.encryption()));
    this.writes = new S3Writes(bucket, describe(config));
    this.multipart = new S3Multipart(bucket, writes, config.partSizeBytes());
  }

  /** Opens a store; no request is sent until the first operation. Close it to free its threads. */
  public static S3ObjectStore open(S3Config config) {
    return open(config, List.of());
  }

  /** As {@link #open(S3Config)}, with {@code interceptors} on the client: tests watch requests. */
  static S3ObjectStore open(S3Config config, List<ExecutionInterceptor> interceptors) {
    requireNonNull(config, "config is null");
    try {
      return new S3ObjectStore(config, S3Clients.build(config, interceptors));
    } catch (SdkException e) {
      throw new ObjectStoreException("cannot create the S3 client: " + e.getMessage(), false, e);
    }
  }

  /** The configuration this store was opened with. */
  public S3Config config() {
    return config;
  }

  /** The region requests are signed for: the configured one, or the one found when it opened. */
  public String region() {
    return handle.region().id();
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    return run(
        () -> {
          requireNonNull(data, "data is null");
          requireNonNull(condition, "condition is null");
          bucket.s3Key(key);
          if (data.remaining() > config.maxObjectBytes()) {
            throw new IllegalArgumentException(
                "object of " + data.remaining() + " bytes exceeds " + config.maxObjectBytes());
          }
          boolean conditional = !(condition instanceof PutCondition.None);
          if (conditional && data.remaining() > config.maxSinglePutBytes()) {
            throw new IllegalArgumentException(
                "conditional put of "
                    + data.remaining()
                    + " bytes exceeds maxSinglePutBytes "
                    + config.maxSinglePutBytes()
                    + ": a conditional put goes up in one PUT, because conditions on a multipart"
                    + " upload's completion are not honoured by every S3 implementation");
          }
          byte[] bytes = new byte[data.remaining()];
          data.duplicate().get(bytes);
          return !conditional && bytes.length > config.multipartThresholdBytes()
              ? multipart.put(key, bytes)
              : writes.putSingle(key, bytes, condition);
        });
  }

  /**
   * A real S3 multipart upload in parts of {@link S3Config#partSizeBytes()} ({@code
   * S3MultipartUpload}); every request fails with {@link DbClosedException} once the store is
   * closed, as the store's other requests do.
   */
  @Override
  public MultipartUpload multipartUpload(String key) {
    return MultipartUpload.intercepted(
        new S3MultipartUpload(bucket, writes, key, config.partSizeBytes()), this::unlessClosed);
  }

  private <T> CompletableFuture<T> unlessClosed(
      MultipartUpload.Request request, Supplier<CompletableFuture<T>> send) {
    return run(send);
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    return run(
        () -> {
          requireNonNull(range, "range is null");
          String s3Key = bucket.s3Key(key);
          return bucket
              .client()
              .getObject(
                  b ->
                      bucket
                          .sse()
                          .get(
                              b.bucket(bucket.name())
                                  .key(s3Key)
                                  .range(S3Responses.rangeHeader(range))),
                  AsyncResponseTransformer.toBytes())
              .handle(
                  (bytes, failure) -> {
                    if (failure == null) {
                      return S3Responses.content(
                          key, range, bytes.response(), bytes.asByteArrayUnsafe());
                    }
                    if (S3Errors.status(failure) == 416) {
                      throw new InvalidRangeException(
                          key, range, S3Responses.sizeOfUnsatisfiedRange(failure));
                    }
                    throw S3Errors.forRead(key, failure);
                  });
        });
  }

  @Override
  public CompletableFuture<ObjectMeta> head(String key) {
    return run(
        () ->
            bucket
                .head(key)
                .handle(
                    (head, failure) -> {
                      if (failure != null) {
                        throw S3Errors.forRead(key, failure);
                      }
                      return S3Responses.meta(key, head);
                    }));
  }

  @Override
  public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
    return run(
        () -> {
          ObjectKeys.validatePrefix(prefix);
          ListObjectsV2Request.Builder request =
              ListObjectsV2Request.builder().bucket(bucket.name()).prefix(listPrefix(prefix));
          if (startAfter != null && !config.directoryBucket()) {
            request.startAfter(config.prefix() + startAfter);
          }
          List<ObjectMeta> out = new ArrayList<>();
          // The paginator fetches page after page; its subscriber is called serially.
          return bucket
              .client()
              .listObjectsV2Paginator(request.build())
              .contents()
              .subscribe(o -> out.add(S3Responses.meta(bucket.storeKey(o.key()), o)))
              .handle(
                  (v, failure) -> {
                    if (failure != null) {
                      throw S3Errors.forRead(prefix, failure);
                    }
                    return sortedAndFiltered(out, prefix, startAfter);
                  });
        });
  }

  /** One ListObjectsV2 request of at most {@code maxEntries} keys (at most 1,000: one page). */
  @Override
  public CompletableFuture<List<String>> listSome(String prefix, int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
    }
    return run(
        () -> {
          ObjectKeys.validatePrefix(prefix);
          ListObjectsV2Request request =
              ListObjectsV2Request.builder()
                  .bucket(bucket.name())
                  .prefix(listPrefix(prefix))
                  .maxKeys(Math.min(maxEntries, 1000))
                  .build();
          return bucket
              .client()
              .listObjectsV2(request)
              .handle(
                  (response, failure) -> {
                    if (failure != null) {
                      throw S3Errors.forRead(prefix, failure);
                    }
                    List<ObjectMeta> out = new ArrayList<>();
                    response
                        .contents()
                        .forEach(o -> out.add(S3Responses.meta(bucket.storeKey(o.key()), o)));
                    return sortedAndFiltered(out, prefix, null).stream()
                        .limit(maxEntries)
                        .map(ObjectMeta::key)
                        .toList();
                  });
        });
  }

  /**
   * The S3 prefix to list for the store prefix {@code prefix}. A directory bucket takes only
   * prefixes that end in '/', so there it is cut after its last '/' (the store's own prefix ends in
   * one), and the rest is filtered out by {@link #sortedAndFiltered}. Listings return objects only:
   * the prefixes of in-progress multipart uploads that directory buckets list are common prefixes,
   * which appear only with a delimiter, and no listing here sends one. Null (no prefix: the whole
   * bucket) rather than empty.
   */
  private String listPrefix(String prefix) {
    String full = config.prefix() + prefix;
    String listed = config.directoryBucket() ? full.substring(0, full.lastIndexOf('/') + 1) : full;
    return listed.isEmpty() ? null : listed;
  }

  /**
   * S3 already lists in UTF-8 byte order; S3-compatible servers may not, and directory buckets do
   * not (nor do they take StartAfter or partial prefixes), so the order and bounds are enforced
   * here.
   */
  private static List<ObjectMeta> sortedAndFiltered(
      List<ObjectMeta> metas, String prefix, String startAfter) {
    List<ObjectMeta> out = new ArrayList<>(metas.size());
    for (ObjectMeta meta : metas) {
      if (meta.key().startsWith(prefix)
          && (startAfter == null || ObjectKeys.ORDER.compare(meta.key(), startAfter) > 0)) {
        out.add(meta);
      }
    }
    out.sort((a, b) -> ObjectKeys.ORDER.compare(a.key(), b.key()));
    return out;
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return run(
        () -> {
          String s3Key = bucket.s3Key(key);
          return bucket
              .client()
              .deleteObject(b -> b.bucket(bucket.name()).key(s3Key))
              .handle(
                  (response, failure) -> {
                    if (failure != null && !S3Errors.isNotFound(failure)) {
                      throw S3Errors.forRead(key, failure);
                    }
                    return null;
                  });
        });
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      handle.close();
    }
  }

  /** Runs {@code op}, turning a synchronous failure (bad argument, closed) into a failed future. */
  private <T> CompletableFuture<T> run(Supplier<CompletableFuture<T>> op) {
    try {
      if (closed.get()) {
        throw new DbClosedException("S3 object store");
      }
      return op.get();
    } catch (RuntimeException e) {
      if (closed.get() && !(e instanceof DbClosedException)) {
        // Closed while the request was being issued: the client refused it.
        return CompletableFuture.failedFuture(new DbClosedException("S3 object store"));
      }
      return CompletableFuture.failedFuture(
          e instanceof SdkException ? S3Errors.generic(config.bucket(), e) : e);
    }
  }

  @Override
  public String toString() {
    return describe(config);
  }

  /**
   * The bucket, prefix and server: the store probe's record is bound to this text
   * (docs/formats/probe.md), so a copy of the bucket on another server (a migration from Ceph RGW
   * to AWS, say) is probed again instead of inheriting the first server's verdict.
   */
  private static String describe(S3Config config) {
    String server = config.endpoint().map(e -> ObjectStores.redact(e.toString())).orElse("aws");
    return "S3ObjectStore[s3://" + config.bucket() + "/" + config.prefix() + " at " + server + "]";
  }
}
