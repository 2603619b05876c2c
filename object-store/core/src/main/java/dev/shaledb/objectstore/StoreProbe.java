package dev.shaledb.objectstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.UnsafeStoreException;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Checks, before a writer, compactor or garbage collector relies on a store, that the store
 * enforces the conditional puts the protocol rests on (docs/protocol.md §1, docs/compatibility.md):
 *
 * <ol>
 *   <li>create-if-absent: a second {@link PutCondition#ifAbsent()} put on an existing key fails
 *       with {@link PreconditionFailedException} and leaves the first object;
 *   <li>compare-and-swap: {@link PutCondition#ifMatch} with the current version succeeds, and with
 *       a stale version fails with {@link PreconditionFailedException}.
 * </ol>
 *
 * <p>The checks run on a fresh scratch key under {@code <dbPath>/probe/} (deleted afterwards),
 * never on the database's own objects, so a store that fails them is refused with an {@link
 * UnsafeStoreException} and the database is left untouched. A store that passes gets a {@link
 * ProbeRecord} at {@code <dbPath>/probe/verified} naming the store ({@link Object#toString()}), so
 * the next open in any process costs one GET; the same store instance in this process costs none. A
 * record for another store (a copy of the database elsewhere), or one that is damaged, is ignored
 * and the checks run again.
 *
 * <p>The probe proves behaviour at one moment, not forever; it catches stores that do not implement
 * the conditions at all, which is how unsafe stores fail in practice.
 */
public final class StoreProbe {
  /** The folder of the probe's objects, relative to the database path. */
  public static final String FOLDER = "probe/";

  private static final String RECORD = "verified";

  private static final Map<ObjectStore, Boolean> VERIFIED =
      Collections.synchronizedMap(new WeakHashMap<>());

  private StoreProbe() {}

  /** How a verification was settled; the caller may log it. */
  public enum Outcome {
    /** This store instance passed earlier in this process: no request. */
    KNOWN,
    /** A record of an earlier pass was found: one GET. */
    RECORDED,
    /** The checks ran (no record, or one for another store) and passed. */
    CHECKED,
    /** The checks ran and passed; the record found was damaged and has been replaced. */
    CHECKED_RECORD_DAMAGED
  }

  /**
   * Verifies {@code store} for the database at {@code dbPath}.
   *
   * @param damaged told about a damaged probe record (which is then replaced), as every detected
   *     corruption is reported
   * @throws UnsafeStoreException if the store does not enforce a condition
   */
  public static Outcome verify(
      ObjectStore store, String dbPath, Consumer<CorruptObjectException> damaged) {
    requireNonNull(store, "store is null");
    requireNonNull(dbPath, "dbPath is null");
    requireNonNull(damaged, "damaged is null");
    if (VERIFIED.containsKey(store)) {
      return Outcome.KNOWN;
    }
    String folder = ObjectKeys.under(dbPath, FOLDER);
    String recordKey = folder + RECORD;
    String identity = store.toString();
    ProbeRecord.Verdict record = ProbeRecord.read(store, recordKey, identity);
    Outcome outcome = Outcome.RECORDED;
    if (record.state() == ProbeRecord.State.DAMAGED) {
      damaged.accept(new CorruptObjectException(recordKey, record.offset(), record.problem()));
    }
    if (record.state() != ProbeRecord.State.MATCHES) {
      check(store, folder + UUID.randomUUID());
      ProbeRecord.write(store, recordKey, identity);
      outcome =
          record.state() == ProbeRecord.State.DAMAGED
              ? Outcome.CHECKED_RECORD_DAMAGED
              : Outcome.CHECKED;
    }
    VERIFIED.put(store, Boolean.TRUE);
    return outcome;
  }

  private static void check(ObjectStore store, String scratch) {
    byte[] first = "first".getBytes(UTF_8);
    try {
      ObjectMeta created = Futures.join(store.put(scratch, first, PutCondition.ifAbsent()));
      if (succeeded(store.put(scratch, "second".getBytes(UTF_8), PutCondition.ifAbsent()))) {
        throw refused(store, "create-if-absent (S3 If-None-Match: *)", "a second put succeeded");
      }
      // By version, not by content: a HEAD has no bytes a faulty network could damage.
      if (!Futures.join(store.head(scratch)).version().equals(created.version())) {
        throw refused(
            store, "create-if-absent (S3 If-None-Match: *)", "a refused put replaced the object");
      }
      Futures.join(
          store.put(scratch, "third".getBytes(UTF_8), PutCondition.ifMatch(created.version())));
      if (succeeded(
          store.put(scratch, "fourth".getBytes(UTF_8), PutCondition.ifMatch(created.version())))) {
        throw refused(
            store, "compare-and-swap (S3 If-Match)", "a put with a stale version succeeded");
      }
    } finally {
      try {
        Futures.join(store.delete(scratch));
      } catch (RuntimeException e) {
        // A leftover scratch object is harmless: nothing reads the probe folder's other keys.
      }
    }
  }

  /** True if the put succeeded, false if its condition failed; other failures propagate. */
  private static boolean succeeded(CompletableFuture<ObjectMeta> put) {
    try {
      Futures.join(put);
      return true;
    } catch (PreconditionFailedException e) {
      return false;
    }
  }

  private static UnsafeStoreException refused(ObjectStore store, String check, String what) {
    return new UnsafeStoreException(
        "store "
            + store
            + " does not enforce "
            + check
            + ": "
            + what
            + "; ShaleDB's fencing needs it, so the database was not opened (nothing was changed;"
            + " see docs/compatibility.md)");
  }
}
