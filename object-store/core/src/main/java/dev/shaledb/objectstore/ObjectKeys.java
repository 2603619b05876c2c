package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/** Key rules shared by every store; see {@link ObjectStore} for the contract. */
public final class ObjectKeys {
  /** The longest key S3 accepts, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;

  /** S3's listing order: ascending unsigned UTF-8 bytes (differs from String order beyond BMP). */
  public static final Comparator<String> ORDER = ObjectKeys::compareUtf8;

  private ObjectKeys() {}

  /**
   * The key of {@code relative} under the database at {@code dbPath}: {@code dbPath + "/" +
   * relative}, or {@code relative} itself for a database at the store root ({@code dbPath} empty).
   * Every object key layout of a database (manifests, WAL, tables, probe, clock) is built with it.
   */
  public static String under(String dbPath, String relative) {
    return dbPath.isEmpty() ? relative : dbPath + "/" + relative;
  }

  /** Returns {@code key} if it is a valid object key, otherwise throws naming the problem. */
  public static String validate(String key) {
    requireNonNull(key, "key is null");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key is empty");
    }
    int bytes = key.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "key is " + bytes + " UTF-8 bytes, more than " + MAX_KEY_BYTES + ": '" + key + "'");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        throw new IllegalArgumentException(
            "key has a control character or backslash at index " + i + ": '" + key + "'");
      }
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("key has an empty, '.' or '..' segment: '" + key + "'");
      }
    }
    return key;
  }

  /** Validates a list prefix: empty, or a key prefix that may end with '/'. */
  public static String validatePrefix(String prefix) {
    requireNonNull(prefix, "prefix is null");
    if (prefix.isEmpty()) {
      return prefix;
    }
    validate(prefix.endsWith("/") ? prefix + "x" : prefix);
    return prefix;
  }

  /** Checks the bound of {@link ObjectStore#listSome}. */
  static int requirePositiveMax(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
    }
    return maxEntries;
  }

  static int compareUtf8(String a, String b) {
    return java.util.Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
