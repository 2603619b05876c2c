package dev.shaledb.wal;

import static java.util.Objects.requireNonNull;

import dev.shaledb.format.Limits;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One write in a {@link WalBatch}: a put of a value or a delete of a key.
 *
 * @param kind what the write does
 * @param key the user key, 1 to {@value #MAX_KEY_BYTES} bytes
 * @param value the value of a put, at most {@value #MAX_VALUE_BYTES} bytes; null for a delete
 */
public record WalEntry(Kind kind, byte[] key, byte[] value) {
  /** The longest key, in bytes. */
  public static final int MAX_KEY_BYTES = Limits.MAX_KEY_BYTES;

  /** The longest value, in bytes (16 MiB). */
  public static final int MAX_VALUE_BYTES = Limits.MAX_VALUE_BYTES;

  /** What an entry does; the code is its byte in the WAL format. */
  public enum Kind {
    PUT(1),
    DELETE(2);

    final int code;

    Kind(int code) {
      this.code = code;
    }
  }

  public WalEntry {
    requireNonNull(kind, "kind is null");
    requireNonNull(key, "key is null");
    if (key.length == 0 || key.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "key length " + key.length + " is not 1.." + MAX_KEY_BYTES);
    }
    key = key.clone();
    if (kind == Kind.PUT) {
      requireNonNull(value, "value of a put is null");
      if (value.length > MAX_VALUE_BYTES) {
        throw new IllegalArgumentException(
            "value length " + value.length + " exceeds " + MAX_VALUE_BYTES);
      }
      value = value.clone();
    } else if (value != null) {
      throw new IllegalArgumentException("a delete has no value");
    }
  }

  /** A put of {@code value} under {@code key}. */
  public static WalEntry put(byte[] key, byte[] value) {
    return new WalEntry(Kind.PUT, key, value);
  }

  /** A delete of {@code key}. */
  public static WalEntry delete(byte[] key) {
    return new WalEntry(Kind.DELETE, key, null);
  }

  /** A copy of the key. */
  @Override
  public byte[] key() {
    return key.clone();
  }

  /** A copy of the value, or null for a delete. */
  @Override
  public byte[] value() {
    return value == null ? null : value.clone();
  }

  byte[] keyRef() {
    return key;
  }

  byte[] valueRef() {
    return value;
  }

  /** The bytes this entry takes in the WAL format. */
  int encodedSize() {
    return 1 + 2 + key.length + (value == null ? 0 : 4 + value.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WalEntry e
        && kind == e.kind
        && Arrays.equals(key, e.key)
        && Arrays.equals(value, e.value);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * kind.hashCode() + Arrays.hashCode(key)) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return kind + "[" + hex.formatHex(key) + (value == null ? "" : "=" + value.length + "B") + "]";
  }
}
