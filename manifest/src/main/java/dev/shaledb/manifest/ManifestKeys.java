package dev.shaledb.manifest;

import dev.shaledb.objectstore.NumberedKeys;
import java.util.OptionalLong;

/**
 * Object keys of a database's manifests: {@code <dbPath>/manifest/<20-digit id>.manifest}, or
 * {@code manifest/...} when the database lives at the store root ({@code dbPath} empty).
 */
public final class ManifestKeys {
  /** The folder, relative to the database path. */
  public static final String FOLDER = "manifest/";

  /** The suffix of every key. */
  public static final String SUFFIX = ".manifest";

  private static final NumberedKeys KEYS = new NumberedKeys(FOLDER, SUFFIX, "manifest");

  private ManifestKeys() {}

  /** See {@link NumberedKeys#validateDbPath(String)}. */
  public static String validateDbPath(String dbPath) {
    return KEYS.validateDbPath(dbPath);
  }

  /** The key prefix shared by all these objects of the database at {@code dbPath}. */
  public static String prefix(String dbPath) {
    return KEYS.prefix(dbPath);
  }

  /** The key of object {@code id} ({@code id >= 1}). */
  public static String key(String dbPath, long id) {
    return KEYS.key(dbPath, id);
  }

  /** The id named by {@code key}, or empty if it is not such a key of {@code dbPath}. */
  public static OptionalLong parseId(String dbPath, String key) {
    return KEYS.parseId(dbPath, key);
  }
}
