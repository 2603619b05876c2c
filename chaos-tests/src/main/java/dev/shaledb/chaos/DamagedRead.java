package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import dev.shaledb.objectstore.ByteRange;

/**
 * One read {@link FaultInjectingObjectStore} damaged and handed to its caller.
 *
 * @param key the object read
 * @param range the range the caller asked for
 * @param offset where in the object the returned bytes start
 * @param length how many bytes the true reply had
 * @param kind how they were damaged
 * @param from the first object offset whose byte differs from the truth
 * @param to one past the last object offset that differs (a shortened reply differs up to the end
 *     of the true reply)
 * @param nanos {@link System#nanoTime()} when the damaged reply was made, to order it against the
 *     engine's detections
 */
public record DamagedRead(
    String key,
    ByteRange range,
    long offset,
    int length,
    FaultKind kind,
    long from,
    long to,
    long nanos) {
  public DamagedRead {
    requireNonNull(key, "key is null");
    requireNonNull(range, "range is null");
    requireNonNull(kind, "kind is null");
    if (from < offset || to <= from || to > offset + length) {
      throw new IllegalArgumentException(
          "damage [" + from + ", " + to + ") outside the reply at " + offset + "+" + length);
    }
  }

  /** Whether object offset {@code at} lies in the damaged span. */
  boolean damages(long at) {
    return from <= at && at < to;
  }

  /** Whether object offset {@code at} lies in the true reply. */
  boolean covers(long at) {
    return offset <= at && at < offset + length;
  }

  @Override
  public String toString() {
    return kind
        + " of '"
        + key
        + "' "
        + describe(range)
        + ", reply at "
        + offset
        + "+"
        + length
        + ", bytes ["
        + from
        + ", "
        + to
        + ") changed";
  }

  private static String describe(ByteRange range) {
    if (range instanceof ByteRange.Bounded b) {
      return "range " + b.offset() + "+" + b.length();
    }
    if (range instanceof ByteRange.Suffix suffix) {
      return "last " + suffix.length() + " bytes";
    }
    return "whole object";
  }
}
