package dev.shaledb.manifest;

import static java.util.Objects.requireNonNull;

import dev.shaledb.objectstore.ObjectKeys;
import java.util.OptionalLong;

/**
 * Object keys of a database's manifests: {@code <dbPath>/manifest/<20-digit id>.manifest}, or
 * {@code manifest/...} when the database lives at the store root ({@code dbPath} empty).
 */
public final class ManifestKeys {
  /** The folder, relative to the database path. */
  public static final String FOLDER = "manifest/";

  /** The suffix of every manifest key. */
  public static final String SUFFIX = ".manifest";

  private static final int ID_DIGITS = 20;

  private ManifestKeys() {}

  /**
   * Returns {@code dbPath} if it can prefix a database's keys: empty (the store root), or a valid
   * object key without a trailing '/'.
   */
  public static String validateDbPath(String dbPath) {
    requireNonNull(dbPath, "dbPath is null");
    if (dbPath.isEmpty()) {
      return dbPath;
    }
    if (dbPath.endsWith("/")) {
      throw new IllegalArgumentException("dbPath ends with '/': '" + dbPath + "'");
    }
    // Validating the longest key the path will prefix also checks the total length.
    ObjectKeys.validate(dbPath + "/" + FOLDER + "0".repeat(ID_DIGITS) + SUFFIX);
    return dbPath;
  }

  /** The key prefix shared by all manifests of the database at {@code dbPath}. */
  public static String prefix(String dbPath) {
    validateDbPath(dbPath);
    return dbPath.isEmpty() ? FOLDER : dbPath + "/" + FOLDER;
  }

  /** The key of manifest {@code id} ({@code id >= 1}). */
  public static String key(String dbPath, long id) {
    if (id < 1) {
      throw new IllegalArgumentException("manifest id is not positive: " + id);
    }
    return prefix(dbPath) + String.format("%020d", id) + SUFFIX;
  }

  /**
   * The manifest id named by {@code key}, or empty if it is not a manifest key of {@code dbPath}.
   */
  public static OptionalLong parseId(String dbPath, String key) {
    requireNonNull(key, "key is null");
    String prefix = prefix(dbPath);
    if (!key.startsWith(prefix)
        || !key.endsWith(SUFFIX)
        || key.length() != prefix.length() + ID_DIGITS + SUFFIX.length()) {
      return OptionalLong.empty();
    }
    String digits = key.substring(prefix.length(), prefix.length() + ID_DIGITS);
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return OptionalLong.empty();
      }
    }
    try {
      long id = Long.parseLong(digits);
      return id >= 1 ? OptionalLong.of(id) : OptionalLong.empty();
    } catch (NumberFormatException tooLarge) {
      return OptionalLong.empty();
    }
  }
}
