package dev.shaledb.view;

import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.SstEntry;
import java.util.Arrays;
import java.util.Comparator;

/**
 * One version in a {@link Memtable}; also the skip list's element, so an entry costs one object
 * besides the skip list's own: its key and value bytes sit side by side in a chunk of the
 * memtable's {@link MemtableArena}.
 *
 * <p>Invariants: immutable; {@code bytes[keyOffset, keyOffset + keyLength)} is the key and the
 * {@code valueLength} bytes after it the value ({@code valueLength} -1: none); the {@code prefix}
 * field is always {@link #prefix(byte[], int, int)} of the key, so {@link #ORDER} may compare
 * prefixes first; a {@link #probe} (null kind) holds the searched key in an array of its own and is
 * only searched with, never stored.
 */
final class MemtableNode {
  /**
   * Internal order: key ascending by unsigned bytes, then sequence number descending. The first
   * eight key bytes, kept in the node, decide most comparisons without following the pointer to the
   * chunk: an insert into a large memtable compares against ~20 nodes, and each array dereference
   * is a likely cache miss.
   */
  static final Comparator<MemtableNode> ORDER =
      (a, b) -> {
        int c = Long.compareUnsigned(a.prefix, b.prefix);
        if (c == 0) {
          c =
              Arrays.compareUnsigned(
                  a.bytes,
                  a.keyOffset,
                  a.keyOffset + a.keyLength,
                  b.bytes,
                  b.keyOffset,
                  b.keyOffset + b.keyLength);
        }
        return c != 0 ? c : Long.compare(b.seq, a.seq);
      };

  final long prefix;
  final byte[] bytes;
  final int keyOffset;
  final int keyLength;
  final int valueLength;
  final long seq;
  final EntryKind kind;
  final long expireAtMillis;

  private MemtableNode(
      byte[] bytes,
      int keyOffset,
      int keyLength,
      int valueLength,
      long seq,
      EntryKind kind,
      long expireAtMillis) {
    this.prefix = prefix(bytes, keyOffset, keyLength);
    this.bytes = bytes;
    this.keyOffset = keyOffset;
    this.keyLength = keyLength;
    this.valueLength = valueLength;
    this.seq = seq;
    this.kind = kind;
    this.expireAtMillis = expireAtMillis;
  }

  /** A version whose key and value (null: none) are copied into {@code arena}. */
  static MemtableNode stored(
      MemtableArena arena,
      byte[] key,
      long seq,
      EntryKind kind,
      byte[] value,
      long expireAtMillis) {
    int[] offset = new int[1];
    byte[] bytes = arena.copy(key, value, offset);
    return new MemtableNode(
        bytes, offset[0], key.length, value == null ? -1 : value.length, seq, kind, expireAtMillis);
  }

  /** A search key that sorts just before the first version of {@code key} with seq <= maxSeq. */
  static MemtableNode probe(byte[] key, long maxSeq) {
    return new MemtableNode(key, 0, key.length, -1, maxSeq, null, SstEntry.NO_EXPIRY);
  }

  /** A copy of the key. */
  byte[] key() {
    return Arrays.copyOfRange(bytes, keyOffset, keyOffset + keyLength);
  }

  /** A copy of the value, or null if there is none. */
  byte[] value() {
    if (valueLength < 0) {
      return null;
    }
    int from = keyOffset + keyLength;
    return Arrays.copyOfRange(bytes, from, from + valueLength);
  }

  /** Whether the key is {@code key}. */
  boolean hasKey(byte[] key) {
    return Arrays.equals(bytes, keyOffset, keyOffset + keyLength, key, 0, key.length);
  }

  /**
   * The first eight bytes big-endian, zero-padded: unsigned comparison of prefixes agrees with
   * unsigned lexicographic comparison of the keys whenever the prefixes differ.
   */
  static long prefix(byte[] bytes, int offset, int length) {
    long p = 0;
    int n = Math.min(8, length);
    for (int i = 0; i < n; i++) {
      p |= (bytes[offset + i] & 0xFFL) << (56 - 8 * i);
    }
    return p;
  }
}
