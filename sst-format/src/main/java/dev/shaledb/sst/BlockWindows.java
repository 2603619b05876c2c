package dev.shaledb.sst;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.objectstore.Futures;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The data blocks of one forward scan, read ahead in windows as {@link ReadAhead} describes. Not
 * thread-safe (it belongs to one iterator); the completion of a window's read runs on the store's
 * thread and touches only that window's own result.
 *
 * <p>Invariants: every block handed out is one the reader verified (through {@link
 * TableBlocks#block(int, byte[])} or, for a window's first block, as the window arrived); at most
 * {@code 1 + AHEAD} windows are referenced, the one being read and those after it, plus at most one
 * block read for a coming seek ({@link #prefetch}), verified as it arrives like a window's first
 * block and used only if the seek enters that block (a sequential policy's prefetch starts the
 * current window instead); a window never extends past {@code lastBlock}.
 */
final class BlockWindows {
  /**
   * Windows in flight beyond the one being read. With one, each window waits a full request latency
   * behind the one before; with two, a cold scan of 1.2 MB on S3-like latency (15 ms to first byte,
   * 100 MB/s per request) takes about 39 ms instead of 57 ms for the same four GETs, and a 40 MB
   * scan about 390 ms instead of 740 ms (a model of the schedule, docs/engine.md).
   */
  static final int AHEAD = 2;

  private final TableBlocks reader;
  private final ReadAhead policy;
  private final int lastBlock;
  private int previous = -2;
  private int nextBytes;
  private Window current;
  private Window seekRead; // the block a coming seek enters, started by prefetch()
  private final ArrayDeque<Window> ahead = new ArrayDeque<>(AHEAD);

  /**
   * @param lastBlock the last block the scan may need (the one holding its upper bound), or the
   *     table's last block
   */
  BlockWindows(TableBlocks reader, ReadAhead policy, int lastBlock) {
    this.reader = reader;
    this.policy = policy;
    this.lastBlock = lastBlock;
    this.nextBytes = policy.initialBytes();
  }

  /**
   * Starts reading block {@code b}, which a seek will enter next, unless it is cached or the policy
   * is {@link ReadAhead#NONE}: that one tells nobody of damage, and a read made before it is needed
   * may never be waited for (a compaction's merge whose first source fails stops before seeking the
   * others), so its damage would go unreported (chaos bank seeds 50261231, 50262149). A sequential
   * policy starts the first window from {@code b} (the seek reads on from there); others read block
   * {@code b} alone.
   */
  void prefetch(int b) {
    seekRead = null;
    if (policy == ReadAhead.NONE || reader.cached(b)) {
      return;
    }
    if (policy.sequential() && b <= lastBlock) {
      drop();
      nextBytes = policy.initialBytes();
      current = issue(b);
    } else {
      seekRead = new Window(b, b, reader.index().offset(b), length(b));
    }
  }

  /** Block {@code b}, which the scan enters now. */
  DecodedBlock block(int b) {
    Window prefetched = seekRead;
    seekRead = null;
    boolean sequential = b == previous + 1 || policy.sequential();
    previous = b;
    if (!policy.enabled() || !sequential || b > lastBlock) {
      // A seek: it may read one block and stop, so it pays for one block only.
      drop();
      nextBytes = policy.initialBytes();
      return prefetched != null && prefetched.first == b ? prefetched.block(b) : reader.block(b);
    }
    if (current == null || !current.covers(b)) {
      while (!ahead.isEmpty() && ahead.peekFirst().last < b) {
        ahead.pollFirst(); // only a sequential reader's seek skips windows
      }
      if (!ahead.isEmpty() && ahead.peekFirst().covers(b)) {
        current = ahead.pollFirst();
      } else if (reader.cached(b)) {
        drop(); // a cached run of blocks costs nothing; read ahead where it ends
        return reader.block(b);
      } else {
        drop();
        current = issue(b);
      }
    }
    // Also right after a sequential prefetch, which started the current window alone.
    int next = ahead.isEmpty() ? current.last + 1 : ahead.peekLast().last + 1;
    while (ahead.size() < AHEAD && next <= lastBlock) {
      Window w = issue(next);
      ahead.addLast(w);
      next = w.last + 1;
    }
    return current.block(b);
  }

  /**
   * Lets go of every window, so their bytes are garbage once they arrive. Reads in flight are not
   * cancelled: they still verify their first block as they arrive, so damage in a reply the store
   * has handed over is reported even when nobody waits for it (and cancelling would not stop a
   * request the store has sent).
   */
  void close() {
    seekRead = null;
    drop();
  }

  /** Forgets the windows; those in flight still verify their first block when they arrive. */
  private void drop() {
    current = null;
    ahead.clear();
  }

  /** Starts reading the window from block {@code first}, as large as the next window may be. */
  private Window issue(int first) {
    BlockIndex index = reader.index();
    int last = first;
    long bytes = length(first);
    while (last < lastBlock && bytes + index.length(last + 1) <= nextBytes) {
      last++;
      bytes += index.length(last);
    }
    nextBytes = (int) Math.min(policy.maxBytes(), 4L * nextBytes);
    return new Window(first, last, index.offset(first), (int) bytes);
  }

  private int length(int b) {
    return reader.index().length(b);
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

    /**
     * Verifies the first block at once: left for later, damage there might never be looked at. On
     * the thread that completed the read, so without the block cache: a cache loader may be waiting
     * for this very completion (chaos seed 20264966 deadlocked on it).
     */
    private Arrived arrived(byte[] bytes) {
      try {
        return new Arrived(bytes, reader.verified(first, slice(bytes, first)));
      } catch (CorruptObjectException e) {
        policy.onDamage().accept(e);
        throw e;
      }
    }

    DecodedBlock block(int b) {
      Arrived arrived = Futures.join(read);
      return b == first
          ? reader.cached(first, arrived.first())
          : reader.block(b, slice(arrived.bytes(), b));
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
