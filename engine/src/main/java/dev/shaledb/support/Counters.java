package dev.shaledb.support;

import dev.shaledb.DbStats;
import dev.shaledb.objectstore.LatencyHistogram;
import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link DbStats}; cheap to update from many threads. */
public final class Counters {
  public final LongAdder puts = new LongAdder();
  public final LongAdder deletes = new LongAdder();
  public final LongAdder merges = new LongAdder();
  public final LongAdder rangeDeletes = new LongAdder();
  public final LongAdder batches = new LongAdder();
  public final LongAdder bytesWritten = new LongAdder();
  public final LongAdder gets = new LongAdder();
  public final LongAdder scans = new LongAdder();
  public final LongAdder flushes = new LongAdder();
  public final LongAdder tableBytesWritten = new LongAdder();

  /** Flushed tables garbage collection condemned before their publish (uploaded again). */
  public final LongAdder condemnedUploads = new LongAdder();

  public final LatencyHistogram durableAcks = new LatencyHistogram();
}
