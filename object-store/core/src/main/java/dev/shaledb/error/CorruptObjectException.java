package dev.shaledb.error;

import static java.util.Objects.requireNonNull;

/**
 * A persistent object failed a checksum, magic-number or structural check. The bytes were not
 * returned as data. {@link #key()} and {@link #offset()} locate the damage (offset is {@code -1}
 * when the whole object is unusable, for example when it is shorter than its footer).
 */
public class CorruptObjectException extends DbException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final long offset;

  public CorruptObjectException(String key, long offset, String problem) {
    this(key, offset, problem, null);
  }

  public CorruptObjectException(String key, long offset, String problem, Throwable cause) {
    super(
        "corrupt object '"
            + requireNonNull(key, "key is null")
            + "' at offset "
            + offset
            + ": "
            + requireNonNull(problem, "problem is null"),
        cause);
    this.key = key;
    this.offset = offset;
  }

  public String key() {
    return key;
  }

  public long offset() {
    return offset;
  }
}
