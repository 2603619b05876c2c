package dev.shaledb.objectstore;

/** A read asked for bytes outside the object (S3 answers 416). */
public class InvalidRangeException extends ObjectStoreException {
  private static final long serialVersionUID = 1L;

  public InvalidRangeException(String key, ByteRange range, long size) {
    super("range " + range + " is outside '" + key + "' of size " + size, false);
  }
}
