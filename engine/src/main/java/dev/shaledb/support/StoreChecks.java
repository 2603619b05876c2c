package dev.shaledb.support;

import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.StoreProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link StoreProbe} before a writer, compactor or garbage collector relies on a store,
 * and tells the operator what it found. Readers never write, so they skip it.
 */
public final class StoreChecks {
  private static final Logger LOG = LoggerFactory.getLogger(StoreChecks.class);

  private StoreChecks() {}

  /**
   * @param corruption told about a damaged probe record, which the probe replaces
   * @throws dev.shaledb.error.UnsafeStoreException if the store does not enforce the conditional
   *     puts the protocol needs; nothing of the database was changed
   */
  public static void verify(ObjectStore store, String path, CorruptionReporter corruption) {
    switch (StoreProbe.verify(store, path, corruption)) {
      case CHECKED ->
          LOG.info("store {} enforces create-if-absent and compare-and-swap (checked once)", store);
      case CHECKED_RECORD_DAMAGED ->
          LOG.warn(
              "the store probe record under '{}' was damaged; store {} was checked again and"
                  + " passed",
              path,
              store);
      case KNOWN, RECORDED -> {}
    }
  }
}
