package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * What the manifest records about a finished table.
 *
 * @param size the object's length in bytes
 * @param smallestKey the first key in the table, or its first range tombstone's start if that sorts
 *     before it
 * @param largestKey the last key in the table, or its last range tombstone's exclusive end if that
 *     sorts after it (so possibly a key the table does not cover)
 * @param minSeq the smallest sequence number of an entry or range tombstone in the table
 * @param maxSeq the largest sequence number of an entry or range tombstone in the table
 * @param entryCount the number of entries (all versions of all keys); 0 in a table of range
 *     tombstones only
 * @param crc32c CRC32C of the whole object, for verifying a complete copy (for example in a disk
 *     cache)
 * @param tailLength the length of the object's tail (index, filter, range tombstones, metadata and
 *     footer): a suffix read of exactly this length opens the table with one request, see {@link
 *     SstReaderOptions#tailReadSize()}
 */
public record SstInfo(
    long size,
    byte[] smallestKey,
    byte[] largestKey,
    long minSeq,
    long maxSeq,
    long entryCount,
    int crc32c,
    int tailLength) {
  public SstInfo {
    requireNonNull(smallestKey, "smallestKey is null");
    requireNonNull(largestKey, "largestKey is null");
    if (smallestKey.length == 0 || largestKey.length == 0) {
      throw new IllegalArgumentException("keys must not be empty");
    }
    if (Arrays.compareUnsigned(smallestKey, largestKey) > 0) {
      throw new IllegalArgumentException("smallestKey sorts after largestKey");
    }
    if (minSeq < 0 || minSeq > maxSeq) {
      throw new IllegalArgumentException("bad seq range [" + minSeq + ", " + maxSeq + "]");
    }
    if (entryCount < 0) {
      throw new IllegalArgumentException("entryCount is negative: " + entryCount);
    }
    if (tailLength < 1 || tailLength > size) {
      throw new IllegalArgumentException(
          "tailLength must be in [1, size=" + size + "]: " + tailLength);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SstInfo i
        && size == i.size
        && minSeq == i.minSeq
        && maxSeq == i.maxSeq
        && entryCount == i.entryCount
        && crc32c == i.crc32c
        && tailLength == i.tailLength
        && Arrays.equals(smallestKey, i.smallestKey)
        && Arrays.equals(largestKey, i.largestKey);
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(size);
    h = 31 * h + Arrays.hashCode(smallestKey);
    h = 31 * h + Arrays.hashCode(largestKey);
    h = 31 * h + Long.hashCode(minSeq);
    h = 31 * h + Long.hashCode(maxSeq);
    h = 31 * h + Long.hashCode(entryCount);
    h = 31 * h + crc32c;
    return 31 * h + tailLength;
  }

  @Override
  public String toString() {
    return "SstInfo[size="
        + size
        + ", keys=["
        + Bytes.describe(smallestKey)
        + ", "
        + Bytes.describe(largestKey)
        + "], seqs=["
        + minSeq
        + ", "
        + maxSeq
        + "], entries="
        + entryCount
        + ", crc32c="
        + Integer.toHexString(crc32c)
        + ", tailLength="
        + tailLength
        + "]";
  }
}
