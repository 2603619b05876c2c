package dev.shaledb.support;

import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.objectstore.RequestType;
import java.util.Locale;
import java.util.StringJoiner;

/** Parts of the statistics' one-line {@code toString}. */
public final class StatsLines {
  private StatsLines() {}

  /**
   * "12 requests (3 PUT, 8 GET, 1 HEAD), 2 not found, 0 failed, 1 KiB up, 4 KiB down": only the
   * request types that were used, and lost conditions only if there were some.
   */
  public static String store(ObjectStoreMetrics m) {
    StringJoiner types = new StringJoiner(", ", " (", ")").setEmptyValue("");
    for (RequestType type : RequestType.values()) {
      long n = m.requests(type);
      if (n > 0) {
        types.add(n + " " + type.name().toUpperCase(Locale.ROOT));
      }
    }
    return Units.count(m.totalRequests(), "request")
        + types
        + ", "
        + m.totalNotFound()
        + " not found, "
        + (m.totalConditionFailed() > 0 ? m.totalConditionFailed() + " condition failed, " : "")
        + m.totalFailures()
        + " failed, "
        + Units.bytes(m.bytesUploaded())
        + " up, "
        + Units.bytes(m.bytesDownloaded())
        + " down";
  }

  /** "block cache: 7 hits, 2 misses, 64 KiB", with ", 1 damaged" if any were. */
  public static String cache(String name, long hits, long misses, long bytes, long damaged) {
    return name
        + ": "
        + Units.count(hits, "hit")
        + ", "
        + Units.count(misses, "miss")
        + ", "
        + Units.bytes(bytes)
        + (damaged > 0 ? ", " + damaged + " damaged" : "");
  }
}
