package dev.shaledb.sst;

import java.util.Arrays;

/**
 * The resident, decoded index: for each data block its separator (every key of the block sorts at
 * or before it, every key of later blocks at or after it), offset and stored length. A table of
 * range tombstones only (format version 3) has no data blocks and an index of none.
 */
final class BlockIndex {
  private final byte[] separators;
  private final int[] separatorStarts;
  private final long[] offsets;
  private final int[] lengths;
  private final int count;

  /**
   * The length of the prefix shared by all separators but the last. (The last one, a short
   * successor of the table's last key, often shares nothing; {@link #find} treats it apart.)
   */
  private final int prefixLength;

  /**
   * Separator bytes {@code [prefixLength, prefixLength + 8)} as big-endian longs, zero-padded: the
   * binary search compares these and looks at whole separators only when they are equal.
   */
  private final long[] windows;

  private BlockIndex(byte[] separators, int[] separatorStarts, long[] offsets, int[] lengths) {
    this.separators = separators;
    this.separatorStarts = separatorStarts;
    this.offsets = offsets;
    this.lengths = lengths;
    this.count = offsets.length;
    this.windows = new long[count];
    if (count == 0) {
      this.prefixLength = 0;
      return;
    }
    int last = Math.max(0, count - 2);
    int mismatch =
        Arrays.mismatch(
            separators,
            separatorStarts[0],
            separatorStarts[1],
            separators,
            separatorStarts[last],
            separatorStarts[last + 1]);
    this.prefixLength = mismatch < 0 ? separatorStarts[1] - separatorStarts[0] : mismatch;
    for (int i = 0; i < count - 1; i++) {
      int from = separatorStarts[i] + prefixLength;
      windows[i] = Bytes.windowBE(separators, from, separatorStarts[i + 1] - from);
    }
  }

  /**
   * Decodes and validates the index payload {@code data[start, limit)}: entries back to back,
   * separators in order, data blocks contiguous from offset 0 up to {@code dataEnd}; no entries
   * only if {@code mayBeEmpty} (format version 3).
   */
  static BlockIndex decode(
      LittleEndianReader in, byte[] data, int start, int limit, long dataEnd, boolean mayBeEmpty) {
    if (limit - start < 4) {
      throw in.corrupt("index block too short");
    }
    long count = Bytes.getUnsignedIntLE(data, limit - 4);
    if (count < (mayBeEmpty ? 0 : 1) || count > (limit - start - 4) / 4) {
      throw in.corrupt("implausible index entry count " + count);
    }
    int n = (int) count;
    int entriesEnd = limit - 4 - 4 * n;
    LittleEndianSink seps = new LittleEndianSink(n * 8);
    int[] sepStarts = new int[n + 1];
    long[] offsets = new long[n];
    int[] lengths = new int[n];
    long expectedOffset = 0;
    for (int i = 0; i < n; i++) {
      if (Bytes.getIntLE(data, entriesEnd + 4 * i) != in.position() - start) {
        throw in.corrupt("index entry " + i + " is not where the offset array says");
      }
      int sepLen = in.varint32("separator length", 1, SstEntry.MAX_KEY_LENGTH);
      int sepStart = in.position();
      in.skip(sepLen);
      if (i > 0
          && Arrays.compareUnsigned(
                  seps.array(), sepStarts[i - 1], seps.size(), data, sepStart, sepStart + sepLen)
              > 0) {
        throw in.corrupt("index separators out of order at entry " + i);
      }
      sepStarts[i] = seps.size();
      seps.write(data, sepStart, sepLen);
      offsets[i] = in.varint("block offset", expectedOffset, expectedOffset);
      lengths[i] =
          in.varint32("block length", BlockEnvelope.TRAILER_SIZE + 1, Integer.MAX_VALUE - 64);
      expectedOffset += lengths[i];
    }
    sepStarts[n] = seps.size();
    if (in.position() != entriesEnd) {
      throw in.corrupt("index entries do not end where the offset array starts");
    }
    if (expectedOffset != dataEnd) {
      throw in.corrupt("data blocks end at " + expectedOffset + ", the index starts at " + dataEnd);
    }
    return new BlockIndex(Arrays.copyOf(seps.array(), seps.size()), sepStarts, offsets, lengths);
  }

  int count() {
    return count;
  }

  long offset(int block) {
    return offsets[block];
  }

  int length(int block) {
    return lengths[block];
  }

  byte[] separator(int block) {
    return Arrays.copyOfRange(separators, separatorStarts[block], separatorStarts[block + 1]);
  }

  /** The first block whose separator is {@code >= key}, or {@link #count()} if none. */
  int find(byte[] key) {
    if (count == 0) {
      return 0;
    }
    int searched = count - 1;
    boolean sharesPrefix =
        key.length >= prefixLength
            && Arrays.equals(separators, 0, prefixLength, key, 0, prefixLength);
    if (!sharesPrefix) {
      return findByFullKeys(key);
    }
    long window = Bytes.windowBE(key, prefixLength, key.length - prefixLength);
    int lo = 0;
    int hi = searched;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      int c = Long.compareUnsigned(windows[mid], window);
      if (c == 0) {
        c = compareSeparator(mid, key);
      }
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo < searched || compareSeparator(searched, key) >= 0) {
      return lo;
    }
    return count;
  }

  private int findByFullKeys(byte[] key) {
    int lo = 0;
    int hi = count;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compareSeparator(mid, key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  int compareSeparator(int block, byte[] key) {
    return Arrays.compareUnsigned(
        separators, separatorStarts[block], separatorStarts[block + 1], key, 0, key.length);
  }

  /** Heap bytes held by the index. */
  long residentBytes() {
    return separators.length + 24L * count + 64;
  }
}
