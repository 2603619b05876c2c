package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The sizes of the parts a {@link MultipartUpload} received, and the checks every store makes on
 * them: part numbers in range, no part larger than the part size, and at completion every part
 * present with every part but the last exactly the part size. That shape is what lets a store place
 * part {@code n} at {@code (n - 1) * partSize} before it knows the others. Thread-safe.
 */
public final class UploadParts {
  private final String key;
  private final long partSize;
  private final ConcurrentHashMap<Integer, Long> sizes = new ConcurrentHashMap<>();

  public UploadParts(String key, long partSize) {
    this.key = requireNonNull(key, "key is null");
    if (partSize < 1) {
      throw new IllegalArgumentException("partSize is not positive: " + partSize);
    }
    this.partSize = partSize;
  }

  /**
   * Checks that part {@code number} of {@code bytes} can belong to the upload.
   *
   * @throws IllegalArgumentException if not
   */
  public void check(int number, long bytes) {
    if (number < 1 || number > MultipartUpload.MAX_PARTS) {
      throw new IllegalArgumentException(
          "part number "
              + number
              + " of '"
              + key
              + "' is outside [1, "
              + MultipartUpload.MAX_PARTS
              + "]");
    }
    if (bytes < 1 || bytes > partSize) {
      throw new IllegalArgumentException(
          "part " + number + " of '" + key + "' has " + bytes + " bytes, not 1 to " + partSize);
    }
  }

  /** Where part {@code number} starts in the object. */
  public long offset(int number) {
    return (number - 1) * partSize;
  }

  /** Records that part {@code number} of {@code bytes} arrived, replacing an earlier one. */
  public void received(int number, long bytes) {
    check(number, bytes);
    sizes.put(number, bytes);
  }

  /**
   * The size of the object made of parts 1 to {@code parts}.
   *
   * @throws IllegalStateException if one is missing, one but the last is short, or one beyond
   *     {@code parts} arrived
   */
  public long objectSize(int parts) {
    if (parts < 1 || parts > MultipartUpload.MAX_PARTS) {
      throw new IllegalStateException(
          "cannot complete '"
              + key
              + "' with "
              + parts
              + " parts: 1 to "
              + MultipartUpload.MAX_PARTS);
    }
    long total = 0;
    for (int n = 1; n <= parts; n++) {
      Long size = sizes.get(n);
      if (size == null) {
        throw new IllegalStateException("part " + n + " of '" + key + "' was never uploaded");
      }
      if (n < parts && size != partSize) {
        throw new IllegalStateException(
            "part "
                + n
                + " of '"
                + key
                + "' has "
                + size
                + " bytes; every part but the last must"
                + " have "
                + partSize);
      }
      total += size;
    }
    if (sizes.size() != parts) {
      throw new IllegalStateException(
          "'" + key + "' received parts beyond the " + parts + " it is completed with");
    }
    return total;
  }
}
