package dev.shaledb.bench;

/**
 * ShaleDB's state during one sampling interval of the {@code ingest} command.
 *
 * @param endSeconds when the interval ended, in seconds since the writers started
 * @param mbPerSecond user data (key and value bytes) MB per second accepted in the interval
 * @param l0Tables level-0 tables at its end
 * @param sortedRuns sorted runs at its end
 * @param spaceAmplification stored bytes per live byte at its end (see {@link IngestBench}), NaN
 *     before anything was written
 * @param stallPercent the share of writer time the engine slowed or blocked writers in it (its
 *     memory budget and L0 slowdown: {@code DbStats.writeStallNanos})
 * @param blockedPercent the share of writer time spent in puts held back for at least {@link
 *     IngestLoad#BLOCKED_NANOS} (any cause, a full WAL buffer included)
 */
record IngestSample(
    double endSeconds,
    double mbPerSecond,
    int l0Tables,
    int sortedRuns,
    double spaceAmplification,
    double stallPercent,
    double blockedPercent) {
  IngestSample {
    if (!(endSeconds > 0) || !(mbPerSecond >= 0) || l0Tables < 0 || sortedRuns < 0) {
      throw new IllegalArgumentException(
          "need a positive time, MB/s >= 0, L0 >= 0 and runs >= 0: "
              + endSeconds
              + ", "
              + mbPerSecond
              + ", "
              + l0Tables
              + ", "
              + sortedRuns);
    }
    if (!(stallPercent >= 0) || !(blockedPercent >= 0)) {
      throw new IllegalArgumentException("negative stall: " + stallPercent + ", " + blockedPercent);
    }
  }
}
