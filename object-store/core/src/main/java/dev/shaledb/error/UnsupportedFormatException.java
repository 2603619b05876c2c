package dev.shaledb.error;

import static java.util.Objects.requireNonNull;

/**
 * An object is intact (its magic number and checksum are right) but was written in a format version
 * this build cannot read, typically by a newer ShaleDB. Nothing was read from it; upgrade the
 * reader rather than rewriting the object.
 */
public class UnsupportedFormatException extends DbException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final int foundVersion;
  private final int supportedVersion;

  public UnsupportedFormatException(
      String key, String format, int foundVersion, int supportedVersion) {
    super(
        "object '"
            + requireNonNull(key, "key is null")
            + "' is "
            + requireNonNull(format, "format is null")
            + " format version "
            + foundVersion
            + "; this build reads up to version "
            + supportedVersion);
    this.key = key;
    this.foundVersion = foundVersion;
    this.supportedVersion = supportedVersion;
  }

  public String key() {
    return key;
  }

  public int foundVersion() {
    return foundVersion;
  }

  public int supportedVersion() {
    return supportedVersion;
  }
}
