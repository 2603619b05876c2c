package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Passes every call to a delegate; subclasses override what they change.
 *
 * <p>Uploads are the exception: {@link #multipartUpload(String)} is not forwarded, so an upload
 * through a decorator collects its parts and completes with the decorator's own {@link #put}, which
 * sees it as it sees every other write. A decorator that lets uploads stream to its delegate
 * overrides {@link #multipartUpload(String)}, handling each of the upload's requests as it handles
 * its others ({@link MultipartUpload#intercepted}).
 */
public class ForwardingObjectStore implements ObjectStore {
  protected final ObjectStore delegate;

  public ForwardingObjectStore(ObjectStore delegate) {
    this.delegate = requireNonNull(delegate, "delegate is null");
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    return delegate.put(key, data, condition);
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    return delegate.get(key, range);
  }

  @Override
  public CompletableFuture<ObjectMeta> head(String key) {
    return delegate.head(key);
  }

  @Override
  public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
    return delegate.list(prefix, startAfter);
  }

  /**
   * Forwarded, so the delegate's bound and its view of files that are not objects apply; a
   * decorator that intercepts {@link #list} (to count or fail requests) intercepts this too.
   */
  @Override
  public CompletableFuture<List<String>> listSome(String prefix, int maxEntries) {
    return delegate.listSome(prefix, maxEntries);
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return delegate.delete(key);
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** The delegate's: a decorator stores nothing itself, so it names the store beneath it. */
  @Override
  public String toString() {
    return delegate.toString();
  }
}
