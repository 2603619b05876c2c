package dev.shaledb.table;

import dev.shaledb.objectstore.ObjectKeys;

/**
 * Keys of table objects: {@code <path>/sst/<id>.sst} ({@code sst/<id>.sst} at the store root), the
 * layout {@link TableStore} writes.
 */
public final class TableKeys {
  public static final String FOLDER = "sst/";
  static final String SUFFIX = ".sst";

  private TableKeys() {}

  /** The prefix shared by every table of the database at {@code path}. */
  public static String prefix(String path) {
    return ObjectKeys.under(path, FOLDER);
  }

  /** The key of table {@code id} of the database at {@code path}. */
  public static String key(String path, String id) {
    return prefix(path) + id + SUFFIX;
  }

  /** The table id named by {@code key}, or null if it is not a table key of {@code path}. */
  public static String parseId(String path, String key) {
    String prefix = prefix(path);
    if (!key.startsWith(prefix) || !key.endsWith(SUFFIX)) {
      return null;
    }
    String id = key.substring(prefix.length(), key.length() - SUFFIX.length());
    return id.isEmpty() || id.indexOf('/') >= 0 ? null : id;
  }
}
