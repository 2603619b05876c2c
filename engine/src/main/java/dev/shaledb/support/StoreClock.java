package dev.shaledb.support;

import dev.shaledb.error.DbException;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectKeys;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import java.time.Instant;

/**
 * The object store's clock, read by putting an empty probe object and taking its {@code
 * lastModified}. Garbage collection compares ages with this clock only, because the ages it
 * compares are lastModified values that the store itself stamped: a skewed local clock would make
 * fresh objects look old. One PUT per reading.
 */
public final class StoreClock {
  /** The folder of the probe, relative to the database path. */
  public static final String FOLDER = "gc/";

  private StoreClock() {}

  /** The probe's key: {@code <path>/gc/clock}, outside the manifest, WAL and table folders. */
  public static String probeKey(String path) {
    return ObjectKeys.under(path, FOLDER + "clock");
  }

  /**
   * The store's current time.
   *
   * @throws DbException if the store did not say when it applied the probe: the local clock is
   *     never used instead, since ages compared with it could make fresh objects look old
   */
  public static Instant now(ObjectStore store, String path) {
    String key = probeKey(path);
    Instant now = Futures.join(store.put(key, new byte[0], PutCondition.none())).lastModified();
    if (now.equals(ObjectMeta.UNKNOWN_TIME)) {
      throw new DbException(
          "the object store did not report when it wrote '"
              + key
              + "', so its clock is unknown; garbage collection and checkpoint expiry need it");
    }
    return now;
  }
}
