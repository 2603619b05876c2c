package dev.shaledb.read;

import static java.util.Objects.requireNonNull;

import dev.shaledb.DbIterator;
import dev.shaledb.ReadOptions;
import dev.shaledb.error.SnapshotTooOldException;
import dev.shaledb.iterate.VisibleIterator;
import dev.shaledb.support.Counters;
import dev.shaledb.support.Errors;
import dev.shaledb.view.DbView;
import java.util.function.BooleanSupplier;

/**
 * The writer process's reads: get, multiGet and scan of its latest view, and the snapshots they may
 * read at.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>A read runs at one sequence number, chosen once: the visible one (or the durable one, for
 *       {@link ReadOptions#durableOnly()}), or its snapshot's. A multiGet reads every key at it.
 *   <li>Only a failure lowers the visible sequence number, so a snapshot above it saw writes that
 *       then failed: reading it fails with the writer's failure, never at a lower number (which
 *       would show half of its writes to one read and none to the next, seed 20262084).
 *   <li>A point read whose view lost tables to garbage collection reads again, at the same sequence
 *       number, on a newer view, at most {@link ScanIterator#MAX_RESUMES} times. Every version at
 *       that number survives in the newer view's tables (docs/protocol.md, "Lifetimes").
 *   <li>A scan while this process compacts is registered like a snapshot, so compaction keeps what
 *       it may still need and it resumes on the latest tables if its own are collected.
 * </ul>
 */
public final class LatestReads {
  /** What reads need of the writer. */
  public interface Writer {
    long visibleSeq();

    long durableSeq();

    /** Why the writer failed; called only when something shows that it did. */
    RuntimeException failure();
  }

  /** Where reads find the latest view. */
  public interface Views {
    DbView latest();

    /** Moves the view past {@code stale} if a newer manifest exists; true if it moved. */
    boolean catchUp(DbView stale);

    /** Whether this process's compactor (which honours its snapshots) compacts the database. */
    boolean compactsHere();
  }

  private final ReadPath reads;
  private final Views views;
  private final Writer writer;
  private final Snapshots snapshots = new Snapshots();
  private final Counters counters;
  private final BooleanSupplier closed;

  public LatestReads(
      ReadPath reads, Views views, Writer writer, Counters counters, BooleanSupplier closed) {
    this.reads = requireNonNull(reads, "reads is null");
    this.views = requireNonNull(views, "views is null");
    this.writer = requireNonNull(writer, "writer is null");
    this.counters = requireNonNull(counters, "counters is null");
    this.closed = requireNonNull(closed, "closed is null");
  }

  public Snapshots.SnapshotImpl snapshot() {
    return snapshots.take(writer::visibleSeq);
  }

  /**
   * A snapshot at {@code seq}, which the caller knows to be visible (a transaction's, taken under
   * the write lock).
   */
  public Snapshots.SnapshotImpl snapshotAt(long seq) {
    return snapshots.take(() -> seq);
  }

  /**
   * The oldest sequence number a snapshot (or a registered scan) reads at, or {@link
   * Long#MAX_VALUE}: flushes and compactions keep every version it may read.
   */
  public long retainSeq() {
    return snapshots.oldest(Long.MAX_VALUE);
  }

  public byte[] get(byte[] key, ReadOptions readOptions) {
    counters.gets.increment();
    return onLatestView(readOptions, (v, seq) -> reads.get(v, key, seq));
  }

  /** The values of {@code keys} at one sequence number; see {@link dev.shaledb.Db#multiGet}. */
  public byte[][] multiGet(byte[][] keys, ReadOptions readOptions) {
    counters.gets.add(keys.length);
    if (keys.length == 0) {
      readSeq(readOptions); // a failed snapshot fails here as it would with keys
      return new byte[0][];
    }
    // One view and one sequence number for every key, so the result is one state's; a retry
    // reads every key again.
    return onLatestView(readOptions, (v, seq) -> reads.multiGet(v, keys, seq));
  }

  /** The keys of {@code [start, end)}, descending if {@code reverse}; see {@link ScanIterator}. */
  public DbIterator scan(byte[] start, byte[] end, ReadOptions readOptions, boolean reverse) {
    counters.scans.increment();
    if (!views.compactsHere() || readOptions.durableOnly()) {
      VisibleIterator it =
          reads.scan(
              views.latest(),
              start,
              end,
              readSeq(readOptions),
              reverse,
              readOptions.readAheadBytes());
      return new ScanIterator(it, closed);
    }
    Snapshots.SnapshotImpl registered = readOptions.snapshot() == null ? snapshot() : null;
    long seq = registered == null ? readSeq(readOptions) : registered.sequence();
    int readAhead = readOptions.readAheadBytes();
    VisibleIterator it = reads.scan(views.latest(), start, end, seq, reverse, readAhead);
    return new ScanIterator(
        it,
        () -> reads.scan(views.latest(), start, end, seq, reverse, readAhead),
        e -> e,
        registered,
        closed);
  }

  /** A point read of a view at a sequence number. */
  private interface ViewRead<T> {
    T read(DbView view, long seq);
  }

  private <T> T onLatestView(ReadOptions readOptions, ViewRead<T> read) {
    for (int attempt = 1; ; attempt++) {
      DbView v = views.latest();
      try {
        return read.read(v, readSeq(readOptions));
      } catch (SnapshotTooOldException e) {
        // The view's tables were compacted away and collected while this read was slow (or the
        // view lags a compactor elsewhere): a newer view lists their replacements.
        if (attempt >= ScanIterator.MAX_RESUMES || !views.catchUp(v)) {
          throw e;
        }
      }
    }
  }

  private long readSeq(ReadOptions readOptions) {
    long visible = writer.visibleSeq();
    long seq = visible;
    if (readOptions.snapshot() != null) {
      seq = snapshots.sequenceOf(readOptions.snapshot());
      if (seq > visible) {
        throw Errors.rethrowable(writer.failure());
      }
    }
    return readOptions.durableOnly() ? Math.min(seq, writer.durableSeq()) : seq;
  }
}
