package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * Keys of numbered objects in one folder of a database: {@code <dbPath>/<folder><20-digit
 * id><suffix>}, or {@code <folder>...} when the database lives at the store root ({@code dbPath}
 * empty). Zero-padded ids make listing order equal id order. Ids start at 1.
 *
 * @param folder the folder relative to the database path, ending with '/'
 * @param suffix the suffix of every key
 * @param what what the objects are called in messages
 */
public record NumberedKeys(String folder, String suffix, String what) {
  private static final int ID_DIGITS = 20;

  public NumberedKeys {
    requireNonNull(folder, "folder is null");
    requireNonNull(suffix, "suffix is null");
    requireNonNull(what, "what is null");
    if (!folder.endsWith("/")) {
      throw new IllegalArgumentException("folder does not end with '/': " + folder);
    }
  }

  /**
   * Returns {@code dbPath} if it can prefix a database's keys: empty (the store root), or a valid
   * object key without a trailing '/'.
   */
  public String validateDbPath(String dbPath) {
    requireNonNull(dbPath, "dbPath is null");
    if (dbPath.isEmpty()) {
      return dbPath;
    }
    if (dbPath.endsWith("/")) {
      throw new IllegalArgumentException("database path '" + dbPath + "' ends with '/'");
    }
    try {
      // Validating the longest key the path will prefix also checks the total length.
      ObjectKeys.validate(dbPath + "/" + folder + "0".repeat(ID_DIGITS) + suffix);
    } catch (IllegalArgumentException bad) {
      // Say it of the path the user gave, not of an internal key they never wrote.
      throw new IllegalArgumentException(
          "database path '"
              + dbPath
              + "' is not usable: it must be '/'-separated segments, none empty, '.' or '..', with"
              + " no control characters or backslashes, and at most "
              + (ObjectKeys.MAX_KEY_BYTES - folder.length() - ID_DIGITS - suffix.length() - 1)
              + " bytes",
          bad);
    }
    return dbPath;
  }

  /** The key prefix shared by all these objects of the database at {@code dbPath}. */
  public String prefix(String dbPath) {
    validateDbPath(dbPath);
    return ObjectKeys.under(dbPath, folder);
  }

  /** The key of object {@code id} ({@code id >= 1}). */
  public String key(String dbPath, long id) {
    if (id < 1) {
      throw new IllegalArgumentException(what + " id is not positive: " + id);
    }
    return prefix(dbPath) + String.format("%020d", id) + suffix;
  }

  /** The id named by {@code key}, or empty if it is not such a key of {@code dbPath}. */
  public OptionalLong parseId(String dbPath, String key) {
    requireNonNull(key, "key is null");
    String prefix = prefix(dbPath);
    if (!key.startsWith(prefix)
        || !key.endsWith(suffix)
        || key.length() != prefix.length() + ID_DIGITS + suffix.length()) {
      return OptionalLong.empty();
    }
    long id = 0;
    for (int i = prefix.length(); i < prefix.length() + ID_DIGITS; i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9' || id > (Long.MAX_VALUE - (c - '0')) / 10) {
        return OptionalLong.empty();
      }
      id = id * 10 + (c - '0');
    }
    return id >= 1 ? OptionalLong.of(id) : OptionalLong.empty();
  }
}
