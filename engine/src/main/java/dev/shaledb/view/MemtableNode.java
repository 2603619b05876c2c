package dev.shaledb.view;

import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.SstEntry;
import java.util.Arrays;
import java.util.Comparator;

/**
 * One version in a {@link Memtable}; also the skip list's element, so an entry costs one object
 * besides its arrays.
 *
 * <p>Invariants: immutable; the {@code prefix} field is always {@link #prefix(byte[])} of the key,
 * so {@link #ORDER} may compare prefixes first; a {@link #probe} (null kind) is only searched with,
 * never stored.
 */
final class MemtableNode {
  /**
   * Internal order: key ascending by unsigned bytes, then sequence number descending. The first
   * eight key bytes, kept in the node, decide most comparisons without following the pointer to the
   * key array: an insert into a large memtable compares against ~20 nodes, and each array
   * dereference is a likely cache miss.
   */
  static final Comparator<MemtableNode> ORDER =
      (a, b) -> {
        int c = Long.compareUnsigned(a.prefix, b.prefix);
        if (c == 0) {
          c = Arrays.compareUnsigned(a.key, b.key);
        }
        return c != 0 ? c : Long.compare(b.seq, a.seq);
      };

  final long prefix;
  final byte[] key;
  final long seq;
  final EntryKind kind;
  final byte[] value;
  final long expireAtMillis;

  MemtableNode(byte[] key, long seq, EntryKind kind, byte[] value, long expireAtMillis) {
    this.prefix = prefix(key);
    this.key = key;
    this.seq = seq;
    this.kind = kind;
    this.value = value;
    this.expireAtMillis = expireAtMillis;
  }

  /**
   * The first eight bytes big-endian, zero-padded: unsigned comparison of prefixes agrees with
   * unsigned lexicographic comparison of the keys whenever the prefixes differ.
   */
  static long prefix(byte[] key) {
    long p = 0;
    int n = Math.min(8, key.length);
    for (int i = 0; i < n; i++) {
      p |= (key[i] & 0xFFL) << (56 - 8 * i);
    }
    return p;
  }

  /** A search key that sorts just before the first version of {@code key} with seq <= maxSeq. */
  static MemtableNode probe(byte[] key, long maxSeq) {
    return new MemtableNode(key, maxSeq, null, null, SstEntry.NO_EXPIRY);
  }
}
