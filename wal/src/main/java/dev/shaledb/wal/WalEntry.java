package dev.shaledb.wal;

import static java.util.Objects.requireNonNull;

import dev.shaledb.format.Limits;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One write in a {@link WalBatch}: a put, a delete, a merge operand or a range delete.
 *
 * <p>Invariants: PUT and MERGE carry a value of at most {@value #MAX_VALUE_BYTES} bytes; DELETE
 * carries none; DELETE_RANGE carries its exclusive end key in {@code value}, which sorts strictly
 * after {@code key} in unsigned byte order (an empty range could never delete anything, so it is a
 * caller's mistake). Only PUT and MERGE may expire. Kinds other than PUT and DELETE, and any
 * expiry, need WAL object format version 2 (see {@code docs/formats/wal.md}).
 *
 * @param kind what the write does
 * @param key the user key, 1 to {@value #MAX_KEY_BYTES} bytes; the inclusive start of a range
 *     delete
 * @param value the value of a put or the operand of a merge, at most {@value #MAX_VALUE_BYTES}
 *     bytes; the exclusive end key of a range delete; null for a delete
 * @param expireAtMillis when a put or merge expires (epoch milliseconds, at least 0), or {@link
 *     #NO_EXPIRY}
 */
public record WalEntry(Kind kind, byte[] key, byte[] value, long expireAtMillis) {
  /** The longest key, in bytes. */
  public static final int MAX_KEY_BYTES = Limits.MAX_KEY_BYTES;

  /** The longest value, in bytes (16 MiB). */
  public static final int MAX_VALUE_BYTES = Limits.MAX_VALUE_BYTES;

  /** The {@code expireAtMillis} of an entry that never expires. */
  public static final long NO_EXPIRY = -1;

  /** What an entry does; the code is its byte in the WAL format and never changes. */
  public enum Kind {
    PUT(1),
    DELETE(2),
    MERGE(3),
    DELETE_RANGE(4);

    final int code;

    Kind(int code) {
      this.code = code;
    }

    /** The kind with {@code code}, or null if there is none. */
    static Kind ofCode(int code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      return null;
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
    switch (kind) {
      case PUT, MERGE -> {
        requireNonNull(value, kind == Kind.PUT ? "value of a put is null" : "operand is null");
        if (value.length > MAX_VALUE_BYTES) {
          throw new IllegalArgumentException(
              "value length " + value.length + " exceeds " + MAX_VALUE_BYTES);
        }
        value = value.clone();
      }
      case DELETE -> {
        if (value != null) {
          throw new IllegalArgumentException("a delete has no value");
        }
      }
      case DELETE_RANGE -> {
        requireNonNull(value, "end of a range delete is null");
        if (value.length == 0 || value.length > MAX_KEY_BYTES) {
          throw new IllegalArgumentException(
              "range end length " + value.length + " is not 1.." + MAX_KEY_BYTES);
        }
        if (Arrays.compareUnsigned(key, value) >= 0) {
          throw new IllegalArgumentException(
              "range start must sort strictly before its end (unsigned bytes)");
        }
        value = value.clone();
      }
    }
    if (expireAtMillis != NO_EXPIRY) {
      if (kind != Kind.PUT && kind != Kind.MERGE) {
        throw new IllegalArgumentException("a " + kind + " cannot expire; only PUT and MERGE can");
      }
      if (expireAtMillis < 0) {
        throw new IllegalArgumentException(
            "expireAtMillis " + expireAtMillis + " is negative and not NO_EXPIRY");
      }
    }
  }

  /** An entry that never expires. */
  public WalEntry(Kind kind, byte[] key, byte[] value) {
    this(kind, key, value, NO_EXPIRY);
  }

  /** A put of {@code value} under {@code key}. */
  public static WalEntry put(byte[] key, byte[] value) {
    return new WalEntry(Kind.PUT, key, value, NO_EXPIRY);
  }

  /** A put of {@code value} under {@code key} that expires at {@code expireAtMillis}. */
  public static WalEntry put(byte[] key, byte[] value, long expireAtMillis) {
    return new WalEntry(Kind.PUT, key, value, expireAtMillis);
  }

  /** A delete of {@code key}. */
  public static WalEntry delete(byte[] key) {
    return new WalEntry(Kind.DELETE, key, null, NO_EXPIRY);
  }

  /** A merge of {@code operand} into {@code key}. */
  public static WalEntry merge(byte[] key, byte[] operand) {
    return new WalEntry(Kind.MERGE, key, operand, NO_EXPIRY);
  }

  /** A merge of {@code operand} into {@code key} that expires at {@code expireAtMillis}. */
  public static WalEntry merge(byte[] key, byte[] operand, long expireAtMillis) {
    return new WalEntry(Kind.MERGE, key, operand, expireAtMillis);
  }

  /**
   * A delete of every key from {@code startInclusive} up to, not including, {@code endExclusive}.
   */
  public static WalEntry deleteRange(byte[] startInclusive, byte[] endExclusive) {
    return new WalEntry(Kind.DELETE_RANGE, startInclusive, endExclusive, NO_EXPIRY);
  }

  /** A copy of the key (the inclusive start of a range delete). */
  @Override
  public byte[] key() {
    return key.clone();
  }

  /** A copy of the value, operand or range end, or null for a delete. */
  @Override
  public byte[] value() {
    return value == null ? null : value.clone();
  }

  /**
   * A copy of the exclusive end key of a range delete.
   *
   * @throws IllegalStateException if this is not a {@link Kind#DELETE_RANGE}
   */
  public byte[] rangeEnd() {
    if (kind != Kind.DELETE_RANGE) {
      throw new IllegalStateException("a " + kind + " has no range end");
    }
    return value.clone();
  }

  /** Whether this entry expires. */
  public boolean hasExpiry() {
    return expireAtMillis != NO_EXPIRY;
  }

  /**
   * The entry's own key array, not a copy: for the write path, which copies it once into the
   * memtable. The caller must not modify it.
   */
  public byte[] keyRef() {
    return key;
  }

  /**
   * The entry's own value, operand or range-end array (null for a delete), not a copy; the caller
   * must not modify it.
   */
  public byte[] valueRef() {
    return value;
  }

  /** Whether this entry can only be written in format version 2 (the newer kinds, or an expiry). */
  boolean needsVersion2() {
    return hasExpiry() || (kind != Kind.PUT && kind != Kind.DELETE);
  }

  /** The bytes this entry takes in the WAL format; must match {@code BatchCodec} exactly. */
  int encodedSize() {
    int size = 1 + 2 + key.length + (hasExpiry() ? 8 : 0);
    return switch (kind) {
      case PUT, MERGE -> size + 4 + value.length;
      case DELETE_RANGE -> size + 2 + value.length;
      case DELETE -> size;
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WalEntry e
        && kind == e.kind
        && expireAtMillis == e.expireAtMillis
        && Arrays.equals(key, e.key)
        && Arrays.equals(value, e.value);
  }

  @Override
  public int hashCode() {
    int h = 31 * kind.hashCode() + Arrays.hashCode(key);
    h = 31 * h + Arrays.hashCode(value);
    return 31 * h + Long.hashCode(expireAtMillis);
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    StringBuilder s = new StringBuilder().append(kind).append('[').append(hex.formatHex(key));
    switch (kind) {
      case PUT, MERGE -> s.append('=').append(value.length).append('B');
      case DELETE_RANGE -> s.append("..").append(hex.formatHex(value));
      case DELETE -> {}
    }
    if (hasExpiry()) {
      s.append(" expires ").append(expireAtMillis);
    }
    return s.append(']').toString();
  }
}
