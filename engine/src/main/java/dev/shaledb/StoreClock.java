package dev.shaledb;

import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import java.time.Instant;

/**
 * The object store's clock, read by putting an empty probe object and taking its {@code
 * lastModified}. Garbage collection compares ages with this clock only, because the ages it
 * compares are lastModified values that the store itself stamped: a skewed local clock would make
 * fresh objects look old. One PUT per reading.
 */
final class StoreClock {
  private StoreClock() {}

  /** The probe's key: {@code <path>/gc/clock}, outside the manifest, WAL and table folders. */
  static String probeKey(String path) {
    return path.isEmpty() ? "gc/clock" : path + "/gc/clock";
  }

  /** The store's current time. */
  static Instant now(ObjectStore store, String path) {
    return Futures.join(store.put(probeKey(path), new byte[0], PutCondition.none())).lastModified();
  }
}
