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
 * @param initialBytes the first window's size after a seek (at least one block is read)
 * @param maxBytes the largest window; at most three windows of an iterator are held at once
 * @param onDamage told of damage found in a window's first block as it arrives
 */
public record ReadAhead(int initialBytes, int maxBytes, Consumer<CorruptObjectException> onDamage) {
  /** Every block is read on its own when the scan enters it. */
  public static final ReadAhead NONE = new ReadAhead(0, 0, e -> {});

  public static final int DEFAULT_INITIAL_BYTES = 64 * 1024;

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

  public boolean enabled() {
    return maxBytes > 0;
  }
}
