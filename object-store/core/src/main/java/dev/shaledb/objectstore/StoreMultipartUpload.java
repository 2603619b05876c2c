package dev.shaledb.objectstore;

/**
 * What every store's own {@link MultipartUpload} shares: the key, the part size, the received
 * parts' checks ({@link UploadParts}) and the errors of requests out of order. Decorators wrap an
 * upload instead ({@link MultipartUpload#intercepted}).
 *
 * <p>Invariants: {@code key} is a valid object key and {@code partSize} positive, both fixed.
 */
public abstract class StoreMultipartUpload implements MultipartUpload {
  /** The object's key. */
  protected final String key;

  /** The parts received so far, and the checks on them. */
  protected final UploadParts parts;

  private final long partSize;

  /**
   * An upload of {@code key} in parts of {@code partSize} bytes.
   *
   * @throws IllegalArgumentException if the key is invalid or the part size not positive
   */
  protected StoreMultipartUpload(String key, long partSize) {
    this.key = ObjectKeys.validate(key);
    this.partSize = partSize;
    this.parts = new UploadParts(key, partSize);
  }

  @Override
  public final String key() {
    return key;
  }

  @Override
  public final long partSize() {
    return partSize;
  }

  /** The error of a request after {@link #abort()}. */
  protected final IllegalStateException aborted() {
    return new IllegalStateException("upload of '" + key + "' was aborted");
  }

  /** The error of a request that needs {@link #start()} to have succeeded first. */
  protected final IllegalStateException notStarted() {
    return new IllegalStateException("upload of '" + key + "' was not started");
  }
}
