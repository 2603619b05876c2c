package dev.shaledb.read;

import dev.shaledb.Snapshot;
import dev.shaledb.error.DbClosedException;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The open snapshots of a database, so that flushes and compactions know the oldest sequence number
 * someone may still read at. Thread-safe.
 */
public final class Snapshots {
  private final TreeMap<Long, Integer> open = new TreeMap<>();

  /**
   * Registers a snapshot at the sequence number {@code seq} gives, read under the same lock as
   * {@link #oldest}: a flush or compaction that asked for the oldest snapshot before this one
   * registered sees only versions this snapshot's number is at or above.
   */
  public synchronized SnapshotImpl take(LongSupplier seqNow) {
    long seq = seqNow.getAsLong();
    open.merge(seq, 1, Integer::sum);
    return new SnapshotImpl(seq);
  }

  /** The oldest open snapshot's sequence number, or {@code ifNone}. */
  public synchronized long oldest(long ifNone) {
    return open.isEmpty() ? ifNone : open.firstKey();
  }

  /** The sequence number {@code snapshot} reads at, checking that it is one of ours and open. */
  public long sequenceOf(Snapshot snapshot) {
    if (!(snapshot instanceof SnapshotImpl s) || s.owner() != this) {
      throw new IllegalArgumentException("snapshot was not taken from this database");
    }
    if (s.closed) {
      throw new DbClosedException("snapshot");
    }
    return s.seq;
  }

  private synchronized void release(long seq) {
    open.computeIfPresent(seq, (k, n) -> n == 1 ? null : n - 1);
  }

  /** A snapshot of this registry. */
  public final class SnapshotImpl implements Snapshot {
    private final long seq;
    private volatile boolean closed;

    private SnapshotImpl(long seq) {
      this.seq = seq;
    }

    private Snapshots owner() {
      return Snapshots.this;
    }

    @Override
    public long sequence() {
      return seq;
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        release(seq);
      }
    }

    @Override
    public String toString() {
      return "Snapshot[seq=" + seq + (closed ? ", closed]" : "]");
    }
  }
}
