package dev.shaledb.objectstore;

import dev.shaledb.error.OutcomeUnknownException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A flat namespace of immutable-once-written byte objects, shaped after S3: the only durable home
 * of a ShaleDB database.
 *
 * <h2>Keys</h2>
 *
 * Keys are non-empty strings of at most 1,024 UTF-8 bytes made of '/'-separated segments; a segment
 * is never empty, {@code "."} or {@code ".."}, and keys contain no control characters. {@link
 * ObjectKeys#validate(String)} enforces this portable subset of S3 keys so that every store,
 * including a local directory, maps keys one to one. Invalid keys fail fast with {@link
 * IllegalArgumentException}.
 *
 * <h2>Atomicity and visibility</h2>
 *
 * <ul>
 *   <li>A successful {@link #put} is atomic and durable: from the moment its future completes,
 *       every reader in every process sees either the whole new object or (for a later overwrite) a
 *       whole newer one; never a mix, a prefix or the old bytes.
 *   <li>Reads are strongly consistent (read-after-write, list-after-write), as on S3 since 2020.
 *   <li>{@link #list} returns keys in ascending order of their UTF-8 bytes, all pages joined.
 * </ul>
 *
 * <h2>Conditional puts</h2>
 *
 * {@link PutCondition#ifAbsent()} creates the object only if no object has the key; {@link
 * PutCondition#ifMatch(String)} replaces it only if its current {@link ObjectMeta#version()} is the
 * given one. Of any number of concurrent conditional puts on one key, across threads and processes,
 * at most one succeeds per state of the key. ShaleDB's correctness rests on {@code ifAbsent}; use
 * {@code ifMatch} only where compare-and-swap is truly needed.
 *
 * <h2>Streaming uploads</h2>
 *
 * {@link #upload(String)} writes an object as a stream, for objects too large to hold whole (a
 * table as it is built): the bytes go to the store in parts while they are written, and the object
 * becomes visible atomically, whole, when the upload completes, and never partially. Before, no
 * reader sees anything of it (an object already under the key stays as it was); an aborted or
 * failed upload leaves nothing visible. An upload is unconditional: it replaces whatever the key
 * holds, so it is for objects written once under fresh keys (tables), never for objects whose
 * correctness rests on a condition (conditions on S3's multipart completion are ignored by some
 * servers: docs/protocol.md). A completed upload is durable and reported like a {@link #put}.
 *
 * <p>A store implements the requests of an upload in {@link #multipartUpload(String)} ({@link
 * MultipartUpload} says what each must do); {@link ObjectUpload} buffers, sends and completes them,
 * the same for every store. The default collects the parts in memory and puts the object at
 * completion, which is correct everywhere but holds the whole object. A decorator inherits that
 * default, so its own {@link #put} sees every upload; to let uploads stream through it, it
 * overrides {@link #multipartUpload(String)} (see {@link MultipartUpload#intercepted}). An upload
 * that is neither completed nor aborted, because its process died, may hold storage until the store
 * cleans it up (see {@link MultipartUpload}).
 *
 * <h2>Times</h2>
 *
 * {@link ObjectMeta#lastModified()} is by the store's clock, never the caller's: garbage collection
 * compares the ages of objects with a time read from the store (the {@code lastModified} of a probe
 * put), and a local clock that is skewed would make fresh objects look old.
 *
 * <ul>
 *   <li>The {@link ObjectMeta} a put returns carries when the store applied that put, and the
 *       version it created. The time is never {@link ObjectMeta#UNKNOWN_TIME}: a store that cannot
 *       tell when, or which version, fails the put with a non-retryable {@link
 *       ObjectStoreException}, although the object has then been written.
 *   <li>{@link #head}, {@link #get} and {@link #list} report {@link ObjectMeta#UNKNOWN_TIME} for an
 *       object whose store did not say when it was written; see there for how to treat it.
 * </ul>
 *
 * <h2>Errors</h2>
 *
 * All methods are asynchronous; their futures complete exceptionally with unchecked exceptions:
 *
 * <ul>
 *   <li>{@link ObjectNotFoundException}: the key does not exist ({@link #get}, {@link #head}, and
 *       {@code ifMatch} on a missing key).
 *   <li>{@link PreconditionFailedException}: the put's condition was false; nothing was written.
 *   <li>{@link InvalidRangeException}: the requested range lies outside the object.
 *   <li>{@link OutcomeUnknownException}: a put may or may not have been applied (for example a
 *       timeout after the request was sent) and the store could not resolve which.
 *   <li>{@link ObjectStoreException}: any other failure; {@link ObjectStoreException#isRetryable()}
 *       says whether the same request may succeed later. Stores retry internally in exactly one
 *       layer, so callers should not add a retry loop of their own for transient errors.
 * </ul>
 *
 * <p>Implementations are thread-safe. {@link #close()} is idempotent; any call after it fails with
 * {@link dev.shaledb.error.DbClosedException}. Every returned future completes, also for a call
 * that races {@code close()}.
 */
public interface ObjectStore extends AutoCloseable {

  /**
   * Writes {@code data} (its remaining bytes; the buffer's position is not changed) under {@code
   * key} if {@code condition} holds, and returns the new object's metadata.
   */
  CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition);

  /** Same as {@link #put(String, ByteBuffer, PutCondition)}; the array is not retained. */
  default CompletableFuture<ObjectMeta> put(String key, byte[] data, PutCondition condition) {
    return put(key, ByteBuffer.wrap(data), condition);
  }

  /** Reads the whole object. */
  default CompletableFuture<ObjectContent> get(String key) {
    return get(key, ByteRange.all());
  }

  /**
   * Reads a range of the object; a bounded range that extends past the end is cut at the end, a
   * suffix range longer than the object returns the whole object.
   */
  CompletableFuture<ObjectContent> get(String key, ByteRange range);

  /** Returns the object's metadata without its bytes. */
  CompletableFuture<ObjectMeta> head(String key);

  /** Lists every object whose key starts with {@code prefix}, in ascending key order. */
  default CompletableFuture<List<ObjectMeta>> list(String prefix) {
    return list(prefix, null);
  }

  /**
   * Lists every object whose key starts with {@code prefix} and sorts strictly after {@code
   * startAfter} (null for no lower bound), in ascending key order.
   */
  CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter);

  /**
   * Up to {@code maxEntries} names of what the store holds under {@code prefix}, for a caller that
   * only asks whether anything is there (is this path free?) and never for a complete listing: the
   * keys of objects and, in a store whose namespace can hold things that are not its objects (a
   * local directory holding other programs' files), the paths of those too, relative to the store's
   * root ({@code "notes.txt"}, {@code "photos/"} for a directory). Which entries are returned when
   * there are more is up to the store (S3: the first in key order); the list is sorted. At most one
   * request: the default lists every object under {@code prefix} and keeps the first, which stores
   * that can bound a listing override.
   *
   * @throws IllegalArgumentException if {@code maxEntries} is not positive
   */
  default CompletableFuture<List<String>> listSome(String prefix, int maxEntries) {
    ObjectKeys.requirePositiveMax(maxEntries);
    return list(prefix)
        .thenApply(
            objects ->
                objects.stream()
                    .limit(maxEntries)
                    .map(ObjectMeta::key)
                    .sorted(ObjectKeys.ORDER)
                    .toList());
  }

  /** Deletes the object; deleting a missing key succeeds. */
  CompletableFuture<Void> delete(String key);

  /**
   * Starts a streaming upload of an object under {@code key}; see "Streaming uploads" above. Sends
   * no request until the first part is full or the upload completes. Stores and decorators do not
   * override this, but {@link #multipartUpload(String)}.
   *
   * @throws IllegalArgumentException if the key is invalid
   */
  default ObjectUpload upload(String key) {
    return ObjectUpload.open(this, key);
  }

  /**
   * The requests of one multipart upload of {@code key}, for {@link ObjectUpload}; sends no
   * request. The default collects the parts in memory, in parts of {@link
   * MultipartUpload#DEFAULT_PART_SIZE}, and completes with one unconditional {@link #put} of the
   * whole object through this store.
   *
   * @throws IllegalArgumentException if the key is invalid
   */
  default MultipartUpload multipartUpload(String key) {
    return new BufferedMultipartUpload(this, key, MultipartUpload.DEFAULT_PART_SIZE);
  }

  /** Releases connections and threads; pending operations may fail. Idempotent. */
  @Override
  void close();
}
