package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CorruptObjectException;
import java.util.function.Consumer;

/**
 * How a scan's iterator reads ahead: once it moves from one data block to the next, it fetches a
 * window of the following blocks in one ranged read, and while it reads a window the next two are
 * already on their way; windows start at {@code initialBytes} and grow fourfold up to {@code
 * maxBytes}, never past the block holding the scan's upper bound. A seek, or any move other than to
 * the next block, starts again with single-block reads.
 *
 * <p>A window's first block is verified as soon as its bytes arrive, whether or not the scan gets
 * there: damage in it is told to {@code onDamage} (the scan, if it gets there, fails with the same
 * exception). Later blocks of a window are verified when the scan enters them.
 *
 * <p>A {@link #sequential} read-ahead is for a reader that reads on from every seek to its upper
 * bound, forward only (a compaction's merge): a seek starts windows as a move to the next block
 * does, and {@link SstIterator#prepareSeek} starts the seek's first window already, so the seeks of
 * a merge's inputs wait for their first windows together.
 *
 * @param initialBytes the first window's size after a seek (at least one block is read)
 * @param maxBytes the largest window; at most three windows of an iterator are held at once
 * @param sequential whether every seek starts windows (see above) instead of reading one block
 * @param onDamage told of damage found in a window's first block as it arrives
 */
public record ReadAhead(
    int initialBytes, int maxBytes, boolean sequential, Consumer<CorruptObjectException> onDamage) {
  /** Every block is read on its own when the scan enters it. */
  public static final ReadAhead NONE = new ReadAhead(0, 0, e -> {});

  public static final int DEFAULT_INITIAL_BYTES = 64 * 1024;

  /** A scan's read-ahead: a seek reads one block, windows start when the scan moves on. */
  public ReadAhead(int initialBytes, int maxBytes, Consumer<CorruptObjectException> onDamage) {
    this(initialBytes, maxBytes, false, onDamage);
  }

  public ReadAhead {
    requireNonNull(onDamage, "onDamage is null");
    if (initialBytes < 0 || maxBytes < initialBytes) {
      throw new IllegalArgumentException(
          "read-ahead windows need 0 <= initialBytes <= maxBytes: "
              + initialBytes
              + ", "
              + maxBytes);
    }
  }

  /**
   * Windows from {@link #DEFAULT_INITIAL_BYTES} (or less) up to {@code maxBytes}; 0 turns it off.
   */
  public static ReadAhead upTo(int maxBytes, Consumer<CorruptObjectException> onDamage) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes is negative: " + maxBytes);
    }
    return new ReadAhead(Math.min(DEFAULT_INITIAL_BYTES, maxBytes), maxBytes, onDamage);
  }

  /**
   * Windows of {@code windowBytes} from every seek on (see the class comment): for a merge that
   * reads every input from its seek to its bound.
   */
  public static ReadAhead sequential(int windowBytes, Consumer<CorruptObjectException> onDamage) {
    if (windowBytes <= 0) {
      throw new IllegalArgumentException("windowBytes is not positive: " + windowBytes);
    }
    return new ReadAhead(windowBytes, windowBytes, true, onDamage);
  }

  public boolean enabled() {
    return maxBytes > 0;
  }
}
