package dev.shaledb.sst;

import java.util.Arrays;

/**
 * Encodes the entries of one data block: each key shares a prefix with the previous key, except at
 * a restart point every {@code restartInterval} entries, which stores the full key. The restart
 * offsets follow the entries so that a seek can binary-search them.
 */
final class DataBlockBuilder {
  static final int FLAG_KIND_MASK = 0x03;
  static final int FLAG_HAS_EXPIRY = 0x04;

  private final int restartInterval;
  private final LittleEndianSink buf;
  private int[] restarts = new int[16];
  private int restartCount;
  private int sinceRestart;

  DataBlockBuilder(int restartInterval, int blockSize) {
    this.restartInterval = restartInterval;
    this.buf = new LittleEndianSink(Math.min(blockSize, 1 << 20) + 1024);
  }

  boolean isEmpty() {
    return buf.size() == 0;
  }

  /** The size of the raw block if it were finished now. */
  int estimatedSize() {
    return buf.size() + 4 * restartCount + 4;
  }

  /**
   * Appends an entry. {@code commonPrefix} is the length of the prefix {@code key} shares with the
   * previous key of the table; it is ignored at restart points.
   */
  void add(
      byte[] key,
      int commonPrefix,
      EntryKind kind,
      long seq,
      long expireAtMillis,
      byte[] value,
      int valueLen) {
    int shared = commonPrefix;
    if (sinceRestart == 0 || sinceRestart == restartInterval) {
      if (restartCount == restarts.length) {
        restarts = Arrays.copyOf(restarts, restartCount * 2);
      }
      restarts[restartCount++] = buf.size();
      sinceRestart = 0;
      shared = 0;
    }
    sinceRestart++;
    int unshared = key.length - shared;
    boolean hasExpiry = expireAtMillis != SstEntry.NO_EXPIRY;
    buf.ensure(3 * 5 + unshared + 1 + 2 * 10 + valueLen);
    buf.writeVarint(shared);
    buf.writeVarint(unshared);
    buf.writeVarint(valueLen);
    buf.write(key, shared, unshared);
    buf.writeByte(kind.code() | (hasExpiry ? FLAG_HAS_EXPIRY : 0));
    buf.writeVarint(seq);
    if (hasExpiry) {
      buf.writeVarint(expireAtMillis);
    }
    if (valueLen > 0) {
      buf.write(value, 0, valueLen);
    }
  }

  /** Appends the restart array and returns the raw block; valid until {@link #reset()}. */
  LittleEndianSink finish() {
    buf.ensure(4 * restartCount + 4);
    for (int i = 0; i < restartCount; i++) {
      buf.writeIntLE(restarts[i]);
    }
    buf.writeIntLE(restartCount);
    return buf;
  }

  void reset() {
    buf.reset();
    restartCount = 0;
    sinceRestart = 0;
  }
}
