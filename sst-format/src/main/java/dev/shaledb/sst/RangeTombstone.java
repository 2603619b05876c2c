package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A range deletion: it hides every version with a sequence number below {@code seq} of every key
 * {@code k} with {@code start <= k < end} (unsigned lexicographic order). A table stores its range
 * tombstones apart from its entries, fragmented ({@link RangeTombstones}); the table never applies
 * them to its own entries, the engine does across tables.
 *
 * <p>The arrays are not copied, for the same reason as {@link SstEntry}'s: callers must not modify
 * them after handing them over.
 *
 * @param start the first key deleted, 1 to {@value SstEntry#MAX_KEY_LENGTH} bytes
 * @param end the first key after the range, 1 to {@value SstEntry#MAX_KEY_LENGTH} bytes; sorts
 *     strictly after {@code start}, so a tombstone is never empty
 * @param seq the tombstone's sequence number, at least 0
 */
public record RangeTombstone(byte[] start, byte[] end, long seq) {
  public RangeTombstone {
    checkBounds(start, end);
    if (seq < 0) {
      throw new IllegalArgumentException("range tombstone seq is negative: " + seq);
    }
  }

  /** The checks shared with {@link RangeTombstones.Fragment}: two valid keys, start before end. */
  static void checkBounds(byte[] start, byte[] end) {
    requireNonNull(start, "start is null");
    requireNonNull(end, "end is null");
    checkBound("start", start);
    checkBound("end", end);
    if (Arrays.compareUnsigned(start, end) >= 0) {
      throw new IllegalArgumentException(
          "range start "
              + Bytes.describe(start)
              + " must sort strictly before its end "
              + Bytes.describe(end));
    }
  }

  static void checkBound(String name, byte[] key) {
    if (key.length == 0 || key.length > SstEntry.MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "range "
              + name
              + " length must be in [1, "
              + SstEntry.MAX_KEY_LENGTH
              + "]: "
              + key.length);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RangeTombstone t
        && seq == t.seq
        && Arrays.equals(start, t.start)
        && Arrays.equals(end, t.end);
  }

  @Override
  public int hashCode() {
    int h = Arrays.hashCode(start);
    h = 31 * h + Arrays.hashCode(end);
    return 31 * h + Long.hashCode(seq);
  }

  @Override
  public String toString() {
    return "RangeTombstone[" + Bytes.describe(start) + ", " + Bytes.describe(end) + ") @" + seq;
  }
}
