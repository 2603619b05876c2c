package dev.shaledb.format;

/**
 * The size limits every stored format and the API share, defined once: the WAL, the table format
 * and the manifest encode key lengths in 16 bits, and the engine checks user input against the same
 * numbers before anything is written.
 */
public final class Limits {
  /** The longest user key, in bytes (lengths are stored in 16 bits). */
  public static final int MAX_KEY_BYTES = 65_535;

  /** The largest value of one put, in bytes. */
  public static final int MAX_VALUE_BYTES = 16 << 20;

  private Limits() {}
}
