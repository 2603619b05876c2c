package dev.shaledb.sst;

import java.util.Arrays;

/**
 * Sequential read-ahead for one {@link SstIterator}: once the iterator has stepped into the next
 * block twice in a row, block misses are served from one read that covers several blocks, and the
 * window doubles with every refill up to {@link #MAX_BYTES}. On an object store every read is a
 * request, so a scan of a table that is not cached costs one GET per window instead of one per
 * block (a 64 MiB table: 260 GETs instead of 16,000). A seek resets it, so point reads and short
 * scans never fetch more than the block they need.
 *
 * <p>Only stored bytes are shared here: each block is copied out of the window and verified and
 * decoded on its own, exactly as a single-block read is, so a damaged or truncated window fails the
 * block it damages with the same {@link dev.shaledb.error.CorruptObjectException}. Not thread-safe,
 * like its iterator.
 */
final class ReadAhead {
  /** The first window; small, because many scans stop after a few blocks. */
  static final int INITIAL_BYTES = 16 << 10;

  /** The largest window: large enough to amortize a request, small enough per open iterator. */
  static final int MAX_BYTES = 256 << 10;

  /** Consecutive block steps after which the iterator counts as scanning. */
  private static final int SEQUENTIAL_STEPS = 2;

  private final RangeReader reader;
  private final BlockIndex index;
  private final int lastBlock;
  private int steps;
  private int windowBytes = INITIAL_BYTES;
  private int first = -1;
  private int last = -1;
  private byte[] window;

  /**
   * @param lastBlock the last block the iterator can need (its upper bound's block), so a window
   *     never reads past what the scan will use
   */
  ReadAhead(RangeReader reader, BlockIndex index, int lastBlock) {
    this.reader = reader;
    this.index = index;
    this.lastBlock = Math.min(lastBlock, index.count() - 1);
  }

  /** The iterator jumped: wait for two more block steps before reading ahead again. */
  void seeked() {
    steps = 0;
  }

  /** The iterator moved on to the next block. */
  void stepped() {
    steps++;
  }

  /** The stored bytes of block {@code b}: from the window, a new window, or a read of just it. */
  byte[] stored(int b) {
    if (window != null && b >= first && b <= last) {
      return slice(b);
    }
    if (steps < SEQUENTIAL_STEPS || b >= lastBlock) {
      return reader.read(index.offset(b), index.length(b));
    }
    fill(b);
    return slice(b);
  }

  private void fill(int b) {
    long start = index.offset(b);
    int end = b;
    while (end < lastBlock
        && index.offset(end + 1) + index.length(end + 1) - start <= windowBytes) {
      end++;
    }
    long span = index.offset(end) + index.length(end) - start;
    window = reader.read(start, Math.toIntExact(span));
    first = b;
    last = end;
    windowBytes = Math.min(MAX_BYTES, windowBytes * 2);
  }

  /** Block {@code b}'s bytes; shorter than its length if the read came back short (truncated). */
  private byte[] slice(int b) {
    long from = index.offset(b) - index.offset(first);
    long to = from + index.length(b);
    int available = window == null ? 0 : window.length;
    return Arrays.copyOfRange(
        window, (int) Math.min(from, available), (int) Math.min(to, available));
  }
}
