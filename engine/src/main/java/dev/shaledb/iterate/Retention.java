package dev.shaledb.iterate;

import dev.shaledb.sst.EntryKind;
import java.util.Arrays;

/**
 * Which versions of a key survive a rewrite (a flush or a compaction), fed every version in
 * internal order (key ascending, sequence number descending).
 *
 * <p>Invariant: every version a reader at a sequence number {@code >= retainSeq} can see is kept —
 * all versions above {@code retainSeq}, and the newest version at or below it. Older versions are
 * hidden from every such reader and dropped; at the bottom of the tree (no older data below) a
 * tombstone hides nothing, so a tombstone that would be that newest version goes too.
 * docs/compaction.md states why the oldest snapshot decides {@code retainSeq}.
 */
public final class Retention {
  private final long retainSeq;
  private final boolean bottom;
  private byte[] key;
  private boolean settled;

  /**
   * @param retainSeq the oldest sequence number any reader may read at
   * @param bottom whether the output has no older data below it
   */
  public Retention(long retainSeq, boolean bottom) {
    this.retainSeq = retainSeq;
    this.bottom = bottom;
  }

  /** Whether to keep this version; versions of one key must arrive newest first. */
  public boolean keep(byte[] k, long seq, EntryKind kind) {
    if (key == null || !Arrays.equals(key, k)) {
      key = k;
      settled = false;
    }
    if (seq > retainSeq) {
      return true;
    }
    if (settled) {
      return false;
    }
    settled = true;
    return !(bottom && kind == EntryKind.DELETE);
  }
}
