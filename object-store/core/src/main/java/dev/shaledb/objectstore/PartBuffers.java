package dev.shaledb.objectstore;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The buffers of one {@link ObjectUpload}: the first one small and grown up to a part (a small
 * object should not cost a whole part's buffer), later ones a part each, reused once their part
 * went through, and counted, so that the most bytes held at once is known. Thread-safe: parts
 * finish on the store's threads.
 */
final class PartBuffers {
  /** The first buffer's size. */
  private static final int FIRST_BYTES = 64 * 1024;

  private final int partSize;
  private final int keep;
  private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>(); // guarded by this
  private long held; // guarded by this
  private long peak; // guarded by this
  private boolean released; // guarded by this

  /** Buffers of {@code partSize} bytes, at most {@code keep} of them kept for reuse. */
  PartBuffers(int partSize, int keep) {
    this.partSize = partSize;
    this.keep = keep;
  }

  /**
   * A buffer to fill: a kept one, or a new one of a whole part ({@code whole}) or of what the first
   * write wants (at least {@link #FIRST_BYTES}, at most a part).
   */
  synchronized ByteBuffer take(boolean whole, int wanted) {
    ByteBuffer kept = free.poll();
    if (kept != null) {
      return kept;
    }
    return allocate(whole ? partSize : Math.min(partSize, Math.max(FIRST_BYTES, wanted)));
  }

  /** {@code full}'s bytes in a buffer with room for {@code wanted} more, up to a part. */
  synchronized ByteBuffer grow(ByteBuffer full, int wanted) {
    long size = Math.max(full.capacity() * 2L, (long) full.position() + wanted);
    ByteBuffer bigger = allocate((int) Math.min(partSize, size)).put(full.flip());
    held -= full.capacity();
    return bigger;
  }

  /** Takes back the buffer of a part that finished; kept if {@code reuse} and there is room. */
  synchronized void done(ByteBuffer part, boolean reuse) {
    if (reuse && !released && free.size() < keep) {
      free.add(part.clear());
    } else {
      held -= part.capacity();
    }
  }

  /** Drops the kept buffers: the upload writes no more. */
  synchronized void release() {
    released = true;
    for (ByteBuffer buffer : free) {
      held -= buffer.capacity();
    }
    free.clear();
  }

  /** The most bytes held at once so far. */
  synchronized long peak() {
    return peak;
  }

  private ByteBuffer allocate(int capacity) {
    held += capacity;
    peak = Math.max(peak, held);
    return ByteBuffer.allocate(capacity);
  }
}
