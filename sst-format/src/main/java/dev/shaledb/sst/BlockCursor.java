package dev.shaledb.sst;

import dev.shaledb.error.CorruptObjectException;
import java.util.Arrays;

/**
 * Walks the entries of one {@link DecodedBlock}, rebuilding prefix-compressed keys in a reusable
 * buffer so that scanning allocates nothing. Every read is bounds-checked, so even a block that
 * passed its checksum but is malformed yields {@link CorruptObjectException}, never wrong data or
 * an {@link ArrayIndexOutOfBoundsException}.
 */
final class BlockCursor {
  private DecodedBlock block;
  private byte[] data;
  private int end;
  private int pos;
  // Where the current entry starts, so prev() can find the restart point before it.
  private int at;
  private int next;
  private boolean valid;

  private byte[] key = new byte[32];
  private int keyLen;
  private EntryKind kind;
  private long seq;
  private long expireAt;
  private int valueOffset;
  private int valueLength;

  void reset(DecodedBlock block) {
    this.block = block;
    this.data = block.data;
    this.end = block.entriesEnd;
    this.valid = false;
    this.keyLen = 0;
  }

  boolean isValid() {
    return valid;
  }

  void seekToFirst() {
    parse(0, true);
  }

  void next() {
    if (next >= end) {
      valid = false;
    } else {
      parse(next, false);
    }
  }

  /**
   * Moves to the entry before the current one, or becomes invalid at the block's first entry. Keys
   * are prefix-compressed forward only, so this decodes from the last restart point before the
   * current entry: O(restart interval), never the whole block.
   */
  void prev() {
    int target = at;
    if (!valid || target == 0) {
      valid = false;
      return;
    }
    parse(block.restartOffset(lastRestartBefore(target)), true);
    while (next < target) {
      parse(next, false);
    }
  }

  /** Positions at the block's last entry. */
  void seekToLast() {
    parse(block.restartOffset(block.restartCount - 1), true);
    while (next < end) {
      parse(next, false);
    }
  }

  /** The last restart point that starts before byte {@code offset} (restart 0 starts at 0). */
  private int lastRestartBefore(int offset) {
    int lo = 0;
    int hi = block.restartCount - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (block.restartOffset(mid) < offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Positions at the first entry whose key is {@code >= target}, or invalid if none. */
  void seek(byte[] target) {
    int lo = 0;
    int hi = block.restartCount - 1;
    int start = 0;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (compareRestartKey(mid, target) < 0) {
        start = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    parse(block.restartOffset(start), true);
    while (valid && compareKey(target) < 0) {
      next();
    }
  }

  int compareKey(byte[] target) {
    return Arrays.compareUnsigned(key, 0, keyLen, target, 0, target.length);
  }

  boolean keyEquals(byte[] target) {
    return Arrays.equals(key, 0, keyLen, target, 0, target.length);
  }

  byte[] keyCopy() {
    return Arrays.copyOf(key, keyLen);
  }

  int keyLength() {
    return keyLen;
  }

  /** The value, or null for a DELETE. */
  byte[] valueCopy() {
    return kind.hasValue()
        ? Arrays.copyOfRange(data, valueOffset, valueOffset + valueLength)
        : null;
  }

  int valueLength() {
    return valueLength;
  }

  long seq() {
    return seq;
  }

  EntryKind kind() {
    return kind;
  }

  long expireAtMillis() {
    return expireAt;
  }

  SstEntry entry() {
    return new SstEntry(keyCopy(), seq, kind, valueCopy(), expireAt);
  }

  private int compareRestartKey(int restart, byte[] target) {
    pos = block.restartOffset(restart);
    varint32();
    int unshared = varint32();
    varint32();
    if (unshared > end - pos) {
      throw corrupt("restart key runs past the block");
    }
    return Arrays.compareUnsigned(data, pos, pos + unshared, target, 0, target.length);
  }

  /**
   * Decodes the entry at {@code at}; at a restart point the key must be stored in full. Kept small
   * (error paths live in helpers) so that the JIT inlines it into the seek and scan loops.
   */
  private void parse(int at, boolean restart) {
    this.at = at;
    pos = at;
    int shared = varint32();
    int unshared = varint32();
    int vlen = varint32();
    int length = shared + unshared;
    if (shared > (restart ? 0 : keyLen)
        || length < 1
        || length > SstEntry.MAX_KEY_LENGTH
        || unshared > end - pos) {
      throw badKey(shared, unshared);
    }
    if (key.length < length) {
      key = Arrays.copyOf(key, Math.max(length, key.length * 2));
    }
    System.arraycopy(data, pos, key, shared, unshared);
    pos += unshared;
    keyLen = length;
    if (pos >= end) {
      throw corrupt("entry runs past the block");
    }
    int flags = data[pos++];
    if ((flags & ~0x07) != 0 || (flags & DataBlockBuilder.FLAG_KIND_MASK) == 3) {
      throw badFlags(flags);
    }
    kind = EntryKind.fromCode(flags & DataBlockBuilder.FLAG_KIND_MASK);
    seq = varint64();
    if ((flags & DataBlockBuilder.FLAG_HAS_EXPIRY) != 0) {
      expireAt = varint64();
      if (expireAt < 0) {
        throw corrupt("expiry beyond 2^63 - 1");
      }
    } else {
      expireAt = SstEntry.NO_EXPIRY;
    }
    if (seq < 0) {
      throw corrupt("seq beyond 2^63 - 1");
    }
    if (vlen > end - pos || (vlen != 0 && kind == EntryKind.DELETE)) {
      throw corrupt("bad value length " + vlen);
    }
    valueOffset = pos;
    valueLength = vlen;
    next = pos + vlen;
    valid = true;
  }

  private CorruptObjectException badKey(int shared, int unshared) {
    return corrupt("bad key lengths (shared " + shared + ", unshared " + unshared + ")");
  }

  private CorruptObjectException badFlags(int flags) {
    return corrupt("bad entry flags 0x" + Integer.toHexString(flags & 0xFF));
  }

  private int varint32() {
    if (pos < end) {
      int b = data[pos];
      if (b >= 0) {
        pos++;
        return b;
      }
    }
    return varint32Slow();
  }

  private int varint32Slow() {
    int result = 0;
    for (int shift = 0; shift <= 28; shift += 7) {
      if (pos >= end) {
        throw corrupt("entry runs past the block");
      }
      int b = data[pos++];
      result |= (b & 0x7F) << shift;
      if (b >= 0) {
        if (shift == 28 && b > 0x07) {
          break;
        }
        return result;
      }
    }
    throw corrupt("length varint exceeds 2^31 - 1");
  }

  private long varint64() {
    long result = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (pos >= end) {
        throw corrupt("entry runs past the block");
      }
      int b = data[pos++];
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        if (shift == 63 && b > 1) {
          break;
        }
        return result;
      }
    }
    throw corrupt("varint exceeds 64 bits");
  }

  /**
   * Checks the whole block: entries parse, keys are in table order, restart points start entries
   * with full keys, and the keys lie within the index separators around the block.
   */
  void validate(DecodedBlock block, byte[] lowerBound, byte[] upperBound) {
    reset(block);
    byte[] prev = new byte[32];
    int prevLen = -1;
    long prevSeq = 0;
    int restart = 0;
    for (int at = 0; at < end; at = next) {
      int restartAt = restart < block.restartCount ? block.restartOffset(restart) : end;
      if (restartAt < at || (at == 0 && restartAt != 0)) {
        throw corrupt("restart point " + restart + " does not start an entry");
      }
      parse(at, restartAt == at);
      if (restartAt == at) {
        restart++;
      }
      if (prevLen < 0) {
        if (lowerBound != null && compareKey(lowerBound) < 0) {
          throw corrupt("first key sorts before the previous block's separator");
        }
      } else {
        int c = Arrays.compareUnsigned(prev, 0, prevLen, key, 0, keyLen);
        if (c > 0 || (c == 0 && seq >= prevSeq)) {
          throw corrupt("entries out of order");
        }
      }
      if (prev.length < keyLen) {
        prev = new byte[key.length];
      }
      System.arraycopy(key, 0, prev, 0, keyLen);
      prevLen = keyLen;
      prevSeq = seq;
    }
    if (restart != block.restartCount) {
      throw corrupt("restart points beyond the last entry");
    }
    if (upperBound != null && compareKey(upperBound) > 0) {
      throw corrupt("last key sorts after the block's separator");
    }
    valid = false;
  }

  private CorruptObjectException corrupt(String problem) {
    return new CorruptObjectException(
        block.objectKey, block.blockOffset, "data block: " + problem + " (at byte " + pos + ")");
  }
}
