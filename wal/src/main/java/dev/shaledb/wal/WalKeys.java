package dev.shaledb.wal;

import static java.util.Objects.requireNonNull;

import dev.shaledb.objectstore.ObjectKeys;
import java.util.OptionalLong;

/**
 * Object keys of a database's WAL: {@code <dbPath>/wal/<20-digit id>.wal}, or {@code wal/...} when
 * the database lives at the store root ({@code dbPath} empty). Ids start at 1.
 */
public final class WalKeys {
  /** The folder, relative to the database path. */
  public static final String FOLDER = "wal/";

  /** The suffix of every WAL key. */
  public static final String SUFFIX = ".wal";

  private static final int ID_DIGITS = 20;

  private WalKeys() {}

  /** Returns {@code dbPath} if it is empty or a valid key prefix without a trailing '/'. */
  public static String validateDbPath(String dbPath) {
    requireNonNull(dbPath, "dbPath is null");
    if (dbPath.isEmpty()) {
      return dbPath;
    }
    if (dbPath.endsWith("/")) {
      throw new IllegalArgumentException("dbPath ends with '/': '" + dbPath + "'");
    }
    ObjectKeys.validate(dbPath + "/" + FOLDER + "0".repeat(ID_DIGITS) + SUFFIX);
    return dbPath;
  }

  /** The key prefix shared by all WAL objects of the database at {@code dbPath}. */
  public static String prefix(String dbPath) {
    validateDbPath(dbPath);
    return dbPath.isEmpty() ? FOLDER : dbPath + "/" + FOLDER;
  }

  /** The key of WAL object {@code id} ({@code id >= 1}). */
  public static String key(String dbPath, long id) {
    if (id < 1) {
      throw new IllegalArgumentException("WAL id is not positive: " + id);
    }
    return prefix(dbPath) + String.format("%020d", id) + SUFFIX;
  }

  /** The WAL id named by {@code key}, or empty if it is not a WAL key of {@code dbPath}. */
  public static OptionalLong parseId(String dbPath, String key) {
    requireNonNull(key, "key is null");
    String prefix = prefix(dbPath);
    if (!key.startsWith(prefix)
        || !key.endsWith(SUFFIX)
        || key.length() != prefix.length() + ID_DIGITS + SUFFIX.length()) {
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
