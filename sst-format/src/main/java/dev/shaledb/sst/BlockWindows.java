package dev.shaledb.sst;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.objectstore.Futures;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The data blocks of one forward scan, read ahead in windows as {@link ReadAhead} describes. Not
 * thread-safe (it belongs to one iterator); the completion of a window's read runs on the store's
 * thread and touches only that window's own result.
 *
 * <p>Invariants: every block handed out is one the reader verified (through {@link
 * SstReader#block(int, byte[])} or, for a window's first block, as the window arrived); at most two
 * windows are referenced, the one being read and the one after it; a window never extends past
 * {@code lastBlock}.
 */
final class BlockWindows {
  private final SstReader reader;
  private final ReadAhead policy;
  private final int lastBlock;
  private int previous = -2;
  private int nextBytes;
  private Window current;
  private Window ahead;

  /**
   * @param lastBlock the last block the scan may need (the one holding its upper bound), or the
   *     table's last block
   */
  BlockWindows(SstReader reader, ReadAhead policy, int lastBlock) {
    this.reader = reader;
    this.policy = policy;
    this.lastBlock = lastBlock;
    this.nextBytes = policy.initialBytes();
  }

  /** Block {@code b}, which the scan enters now. */
  DecodedBlock block(int b) {
    boolean sequential = b == previous + 1;
    previous = b;
    if (!policy.enabled() || !sequential || b > lastBlock) {
      // A seek: it may read one block and stop, so it pays for one block only.
      current = null;
      ahead = null;
      nextBytes = policy.initialBytes();
      return reader.block(b);
    }
    if (current == null || !current.covers(b)) {
      if (ahead != null && ahead.covers(b)) {
        current = ahead;
      } else if (reader.cached(b)) {
        current = null; // a cached run of blocks costs nothing; read ahead where it ends
        ahead = null;
        return reader.block(b);
      } else {
        current = issue(b);
      }
      ahead = current.last < lastBlock ? issue(current.last + 1) : null;
    }
    return current.block(b);
  }

  /** Starts reading the window from block {@code first}, as large as the next window may be. */
  private Window issue(int first) {
    BlockIndex index = reader.index();
    int last = first;
    long bytes = index.length(first);
    while (last < lastBlock && bytes + index.length(last + 1) <= nextBytes) {
      last++;
      bytes += index.length(last);
    }
    nextBytes = (int) Math.min(policy.maxBytes(), 4L * nextBytes);
    return new Window(first, last, index.offset(first), (int) bytes);
  }

  /** Blocks {@code first..last} read with one ranged read. */
  private final class Window {
    final int first;
    final int last;
    final long offset;
    final CompletableFuture<Arrived> read;

    Window(int first, int last, long offset, int length) {
      this.first = first;
      this.last = last;
      this.offset = offset;
      this.read = reader.readRangeAsync(offset, length).thenApply(this::arrived);
    }

    boolean covers(int b) {
      return first <= b && b <= last;
    }

    /** Verifies the first block at once: left for later, damage there might never be looked at. */
    private Arrived arrived(byte[] bytes) {
      try {
        return new Arrived(bytes, reader.block(first, slice(bytes, first)));
      } catch (CorruptObjectException e) {
        policy.onDamage().accept(e);
        throw e;
      }
    }

    DecodedBlock block(int b) {
      Arrived arrived = Futures.join(read);
      return b == first ? arrived.first() : reader.block(b, slice(arrived.bytes(), b));
    }

    /** Block {@code b}'s bytes (shorter or empty if the reply was: the reader reports that). */
    private byte[] slice(byte[] bytes, int b) {
      BlockIndex index = reader.index();
      long from = Math.min(bytes.length, index.offset(b) - offset);
      long to = Math.min(bytes.length, from + index.length(b));
      return Arrays.copyOfRange(bytes, (int) from, (int) to);
    }
  }

  private record Arrived(byte[] bytes, DecodedBlock first) {}
}
