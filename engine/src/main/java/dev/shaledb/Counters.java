package dev.shaledb;

import dev.shaledb.objectstore.LatencyHistogram;
import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link DbStats}; cheap to update from many threads. */
final class Counters {
  final LongAdder puts = new LongAdder();
  final LongAdder deletes = new LongAdder();
  final LongAdder batches = new LongAdder();
  final LongAdder bytesWritten = new LongAdder();
  final LongAdder gets = new LongAdder();
  final LongAdder scans = new LongAdder();
  final LongAdder flushes = new LongAdder();
  final LongAdder tableBytesWritten = new LongAdder();

  /** Flushed tables garbage collection condemned before their publish (uploaded again). */
  final LongAdder condemnedUploads = new LongAdder();

  final LatencyHistogram durableAcks = new LatencyHistogram();
}
