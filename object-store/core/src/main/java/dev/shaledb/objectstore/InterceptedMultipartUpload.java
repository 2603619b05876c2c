package dev.shaledb.objectstore;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** See {@link MultipartUpload#intercepted}. */
final class InterceptedMultipartUpload implements MultipartUpload {
  private final MultipartUpload upload;
  private final Interceptor interceptor;

  InterceptedMultipartUpload(MultipartUpload upload, Interceptor interceptor) {
    this.upload = upload;
    this.interceptor = interceptor;
  }

  @Override
  public String key() {
    return upload.key();
  }

  @Override
  public long partSize() {
    return upload.partSize();
  }

  @Override
  public CompletableFuture<Void> start() {
    return send(new Request(Kind.START, key(), 0, 0), upload::start);
  }

  @Override
  public CompletableFuture<Void> uploadPart(int number, ByteBuffer data) {
    // Every attempt gets its own view of the bytes: a failed one may have moved its position.
    return send(
        new Request(Kind.PART, key(), number, data.remaining()),
        () -> upload.uploadPart(number, data.duplicate()));
  }

  @Override
  public CompletableFuture<ObjectMeta> complete(int parts) {
    return send(new Request(Kind.COMPLETE, key(), parts, 0), () -> upload.complete(parts));
  }

  /** Never fails, whatever the interceptor does: see {@link MultipartUpload#abort()}. */
  @Override
  public CompletableFuture<Void> abort() {
    return send(new Request(Kind.ABORT, key(), 0, 0), upload::abort).handle((v, failure) -> null);
  }

  private <T> CompletableFuture<T> send(Request request, Supplier<CompletableFuture<T>> send) {
    try {
      return interceptor.intercept(request, send);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public String toString() {
    return upload.toString();
  }
}
