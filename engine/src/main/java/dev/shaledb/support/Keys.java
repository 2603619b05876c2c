package dev.shaledb.support;

import static java.util.Objects.requireNonNull;

import dev.shaledb.format.Limits;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/** Argument checks shared by the write and read paths; messages name the problem and the limit. */
public final class Keys {
  /** The longest key, in bytes. */
  static final int MAX_KEY_BYTES = Limits.MAX_KEY_BYTES;

  /** The largest value, in bytes (16 MiB): what one WAL entry can hold. */
  static final int MAX_VALUE_BYTES = Limits.MAX_VALUE_BYTES;

  private Keys() {}

  public static byte[] checkKey(byte[] key) {
    return checkKey(key, "key");
  }

  /**
   * The keys of a multi-key read as an array, each checked as {@link #checkKey} does and named by
   * its index in messages. Copied first, so a list changed during the read cannot change it.
   */
  public static byte[][] checkKeys(List<byte[]> keys) {
    requireNonNull(keys, "keys is null");
    byte[][] copy = keys.toArray(new byte[0][]);
    for (int i = 0; i < copy.length; i++) {
      checkKey(copy[i], "keys[" + i + "]");
    }
    return copy;
  }

  private static byte[] checkKey(byte[] key, String name) {
    requireNonNull(key, name + " is null");
    if (key.length == 0) {
      throw new IllegalArgumentException(name + " is empty");
    }
    if (key.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          name + " of " + key.length + " bytes exceeds the maximum of " + MAX_KEY_BYTES + " bytes");
    }
    return key;
  }

  public static byte[] checkValue(byte[] value) {
    requireNonNull(value, "value is null");
    if (value.length > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException(
          "value of "
              + value.length
              + " bytes exceeds the maximum of "
              + MAX_VALUE_BYTES
              + " bytes");
    }
    return value;
  }

  /** A null bound means unbounded; a non-null one must be a valid key or empty (the start). */
  public static byte[] checkBound(byte[] bound, String name) {
    if (bound != null && bound.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          name + " of " + bound.length + " bytes exceeds the maximum key length " + MAX_KEY_BYTES);
    }
    return bound;
  }

  /**
   * Checks the bounds of a range delete: two valid keys, {@code start} sorting strictly before
   * {@code end} (unsigned bytes).
   */
  public static void checkRange(byte[] start, byte[] end) {
    checkKey(start, "startInclusive");
    checkKey(end, "endExclusive");
    if (java.util.Arrays.compareUnsigned(start, end) >= 0) {
      throw new IllegalArgumentException(
          "startInclusive "
              + describe(start)
              + " does not sort before endExclusive "
              + describe(end)
              + ": the range is empty");
    }
  }

  /** The first key after every key starting with {@code prefix}, or null if there is none. */
  public static byte[] prefixEnd(byte[] prefix) {
    byte[] end = prefix.clone();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xFF) {
        end[i]++;
        return java.util.Arrays.copyOf(end, i + 1);
      }
    }
    return null;
  }

  /** A short printable form of a key for messages: text if it is ASCII, else hex. */
  public static String describe(byte[] key) {
    int n = Math.min(key.length, 64);
    boolean printable = true;
    for (int i = 0; i < n && printable; i++) {
      printable = key[i] >= 0x20 && key[i] < 0x7F;
    }
    String head =
        printable
            ? "\"" + new String(key, 0, n, StandardCharsets.US_ASCII) + "\""
            : "0x" + HexFormat.of().formatHex(key, 0, n);
    return key.length > n ? head + "…(" + key.length + " bytes)" : head;
  }
}
