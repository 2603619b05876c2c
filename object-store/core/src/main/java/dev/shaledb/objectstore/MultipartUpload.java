package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The requests of one multipart upload, shaped after S3's: what {@link ObjectUpload} drives to
 * stream an object to a store. Stores implement it and decorators wrap it ({@link #intercepted});
 * callers use {@link ObjectStore#upload(String)} instead.
 *
 * <p>Getting one from {@link ObjectStore#multipartUpload(String)} sends no request. Then, in this
 * order:
 *
 * <ol>
 *   <li>{@link #start()} once (S3: CreateMultipartUpload);
 *   <li>{@link #uploadPart} for parts 1 to n, once {@code start()} succeeded. Every part but the
 *       last has exactly {@link #partSize()} bytes, the last 1 to {@code partSize()}. Parts may be
 *       in flight together and finish in any order; sending a part number again replaces that part
 *       (a retry does this);
 *   <li>{@link #complete(int) complete(n)} once every part's future succeeded: the object becomes
 *       visible atomically, whole, and replaces any object under the key (there is no condition:
 *       see {@link ObjectStore#upload}). Nothing of the upload is visible before.
 * </ol>
 *
 * {@link #abort()} discards the parts at any time; once it was called, no later request of the
 * upload succeeds. A request of another order fails with {@link IllegalStateException}.
 *
 * <p>Failures are reported as {@link ObjectStore}'s are. Every request may be repeated after it
 * failed: a part is replaced, and a {@code complete} repeated after one that may have been applied
 * answers with the object's metadata if that one was (so that a retry layer above can resolve an
 * ambiguous completion); stores that retry themselves may instead resolve it inside. An upload that
 * is neither completed nor aborted holds storage until the store cleans it: S3 keeps the parts of
 * an incomplete multipart upload, billed, until a bucket lifecycle rule ({@code
 * AbortIncompleteMultipartUpload}) removes them; a local directory removes stale temporary files
 * when a store opens on it.
 *
 * <p>Implementations are thread-safe.
 */
public interface MultipartUpload {
  /** S3's limit on the parts of one upload; ObjectUpload refuses to write more. */
  int MAX_PARTS = 10_000;

  /**
   * The part size of stores that have no other reason to choose one: 16 MiB, so a 32 MiB table
   * costs four PUT-class requests (create, two parts, complete) rather than six with 8 MiB parts
   * (issue 21: table parts are most of an ingest's PUTs). Hadoop's S3A uses 64 MiB, Iceberg 32.
   */
  long DEFAULT_PART_SIZE = 16L << 20;

  /** The key the object will have. */
  String key();

  /** The size of every part but the last. */
  long partSize();

  /** Begins the upload. */
  CompletableFuture<Void> start();

  /**
   * Sends part {@code number} (1 to {@link #MAX_PARTS}): the remaining bytes of {@code data},
   * without changing its position. The store may keep reading the buffer (to send it, or send it
   * again) until the returned future completes, so the caller must not change it before.
   */
  CompletableFuture<Void> uploadPart(int number, ByteBuffer data);

  /** Publishes parts 1 to {@code parts}, in order, as the object; see the class comment. */
  CompletableFuture<ObjectMeta> complete(int parts);

  /**
   * Discards the upload and its parts; best effort, idempotent, and harmless after a {@link
   * #complete} that succeeded. The future never fails: an abort that did not go through leaves
   * storage for the store's own cleaning (see the class comment).
   */
  CompletableFuture<Void> abort();

  /** What a request of an upload is, for a decorator that handles requests by their kind. */
  enum Kind {
    START,
    PART,
    COMPLETE,
    ABORT
  }

  /**
   * One request of an upload: its kind, the object's key, the part number (0 unless {@link
   * Kind#PART}, the part count for {@link Kind#COMPLETE}) and the bytes it carries (0 but for a
   * part).
   */
  record Request(Kind kind, String key, int part, long bytes) {}

  /** Sends the requests of an upload the way a decorator sends its other requests. */
  interface Interceptor {
    /** Sends {@code request} by calling {@code send} (any number of times, or not at all). */
    <T> CompletableFuture<T> intercept(Request request, Supplier<CompletableFuture<T>> send);
  }

  /**
   * {@code upload} with every request passed through {@code interceptor}: how a decorator
   * (metering, retrying, injecting faults) lets uploads through it stream to its delegate, as
   * {@code interceptor.intercept(request, send)} with {@code send} issuing the request on {@code
   * upload}.
   */
  static MultipartUpload intercepted(MultipartUpload upload, Interceptor interceptor) {
    requireNonNull(upload, "upload is null");
    requireNonNull(interceptor, "interceptor is null");
    return new InterceptedMultipartUpload(upload, interceptor);
  }
}
