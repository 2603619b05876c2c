package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

/**
 * Bytes read from an object.
 *
 * @param meta the object's metadata; {@code meta.size()} is the whole object's size
 * @param offset the position of {@code data[0]} within the object, so that a suffix read knows
 *     where it starts and corruption can be reported at an absolute offset
 * @param data the bytes read; owned by the caller
 */
public record ObjectContent(ObjectMeta meta, long offset, byte[] data) {
  public ObjectContent {
    requireNonNull(meta, "meta is null");
    requireNonNull(data, "data is null");
    if (offset < 0 || offset + data.length > meta.size()) {
      throw new IllegalArgumentException(
          "range ["
              + offset
              + ", "
              + (offset + data.length)
              + ") outside object of size "
              + meta.size());
    }
  }
}
