package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

import dev.shaledb.format.Limits;
import java.util.Arrays;

/**
 * One version of a key in a table.
 *
 * <p>Tables order entries by key (unsigned lexicographic bytes) ascending, then by sequence number
 * descending, so the newest version of a key comes first.
 *
 * <p>The arrays are not copied, for speed on the write path: callers must not modify them after
 * handing them over, and must not modify the arrays they get back.
 *
 * @param key 1 to {@value #MAX_KEY_LENGTH} bytes
 * @param seq the sequence number; the format stores a u64 but ShaleDB uses only 0 to {@link
 *     Long#MAX_VALUE}, so negative values are rejected
 * @param kind what the entry records
 * @param value the value, at most {@value #MAX_VALUE_LENGTH} bytes; null exactly when {@code kind}
 *     is {@link EntryKind#DELETE}
 * @param expireAtMillis when the entry expires, in milliseconds since the epoch (interpreted by the
 *     engine, never by this module), or {@link #NO_EXPIRY}
 */
public record SstEntry(byte[] key, long seq, EntryKind kind, byte[] value, long expireAtMillis) {
  public static final int MAX_KEY_LENGTH = Limits.MAX_KEY_BYTES;
  public static final int MAX_VALUE_LENGTH = 64 << 20;

  /** The {@link #expireAtMillis()} of an entry that never expires. */
  public static final long NO_EXPIRY = -1;

  public SstEntry {
    checkKey(key);
    checkSeq(seq);
    requireNonNull(kind, "kind is null");
    checkValue(kind, value);
    checkExpiry(expireAtMillis);
  }

  /** A PUT that never expires. */
  public static SstEntry put(byte[] key, long seq, byte[] value) {
    return new SstEntry(key, seq, EntryKind.PUT, value, NO_EXPIRY);
  }

  /** A DELETE tombstone. */
  public static SstEntry delete(byte[] key, long seq) {
    return new SstEntry(key, seq, EntryKind.DELETE, null, NO_EXPIRY);
  }

  /** A MERGE operand that never expires. */
  public static SstEntry merge(byte[] key, long seq, byte[] value) {
    return new SstEntry(key, seq, EntryKind.MERGE, value, NO_EXPIRY);
  }

  /** This entry with an expiry time ({@link #NO_EXPIRY} for none). */
  public SstEntry withExpiry(long expireAtMillis) {
    return new SstEntry(key, seq, kind, value, expireAtMillis);
  }

  public boolean hasExpiry() {
    return expireAtMillis != NO_EXPIRY;
  }

  static void checkKey(byte[] key) {
    requireNonNull(key, "key is null");
    if (key.length == 0 || key.length > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "key length must be in [1, " + MAX_KEY_LENGTH + "]: " + key.length);
    }
  }

  static void checkSeq(long seq) {
    if (seq < 0) {
      throw new IllegalArgumentException("seq is negative: " + seq);
    }
  }

  static void checkValue(EntryKind kind, byte[] value) {
    if (kind.hasValue()) {
      requireNonNull(value, () -> "value is null for a " + kind);
      if (value.length > MAX_VALUE_LENGTH) {
        throw new IllegalArgumentException(
            "value length exceeds " + MAX_VALUE_LENGTH + ": " + value.length);
      }
    } else if (value != null) {
      throw new IllegalArgumentException("a " + kind + " has no value");
    }
  }

  static void checkExpiry(long expireAtMillis) {
    if (expireAtMillis < 0 && expireAtMillis != NO_EXPIRY) {
      throw new IllegalArgumentException(
          "expireAtMillis must be >= 0 or NO_EXPIRY: " + expireAtMillis);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SstEntry e
        && seq == e.seq
        && kind == e.kind
        && expireAtMillis == e.expireAtMillis
        && Arrays.equals(key, e.key)
        && Arrays.equals(value, e.value);
  }

  @Override
  public int hashCode() {
    int h = Arrays.hashCode(key);
    h = 31 * h + Long.hashCode(seq);
    h = 31 * h + kind.hashCode();
    h = 31 * h + Arrays.hashCode(value);
    return 31 * h + Long.hashCode(expireAtMillis);
  }

  @Override
  public String toString() {
    return "SstEntry[key="
        + Bytes.describe(key)
        + ", seq="
        + seq
        + ", kind="
        + kind
        + ", value="
        + (value == null ? "null" : Bytes.describe(value))
        + (hasExpiry() ? ", expireAtMillis=" + expireAtMillis : "")
        + "]";
  }
}
