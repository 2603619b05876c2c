package dev.shaledb.wal;

import static dev.shaledb.objectstore.Futures.join;
import static java.util.Objects.requireNonNull;

import dev.shaledb.error.FencedException;
import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PreconditionFailedException;
import dev.shaledb.objectstore.PutCondition;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The fence a newly opened writer puts at the first free WAL id: a header-only object carrying its
 * epoch. Any older writer's next WAL put lands on this id (or above it, where replay ignores it)
 * and learns it was fenced; see {@code docs/protocol.md}.
 *
 * @param epoch the writer epoch the fence was placed with
 * @param walId the id of the fence object
 */
public record WalFence(long epoch, long walId) {
  private static final int HEAD_PROBES = 2;
  private static final int MAX_UNKNOWN_OUTCOMES = 10;

  public WalFence {
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch is not positive: " + epoch);
    }
    if (walId < 1) {
      throw new IllegalArgumentException("walId is not positive: " + walId);
    }
  }

  /**
   * Places a fence with {@code epoch} at the first absent WAL id at or after {@code startId} (the
   * manifest's {@code nextWalId}: every id between the replay anchor and it exists). Call it after
   * raising the writer epoch to {@code epoch} in the manifest, and re-read the manifest afterwards:
   * a newer epoch there means this writer is already fenced.
   *
   * @throws FencedException if an object of a newer epoch occupies a candidate id
   */
  public static WalFence place(ObjectStore store, String dbPath, long epoch, long startId) {
    requireNonNull(store, "store is null");
    WalKeys.validateDbPath(dbPath);
    if (startId < 1) {
      throw new IllegalArgumentException("startId is not positive: " + startId);
    }
    long candidate = firstAbsent(store, dbPath, startId);
    while (true) {
      WalObjectHeader fence = new WalObjectHeader(candidate, epoch, 0, UUID.randomUUID(), true, 0);
      Landing landing = land(store, dbPath, fence);
      if (landing == Landing.OURS) {
        return new WalFence(epoch, candidate);
      }
      candidate = firstAbsent(store, dbPath, candidate + 1);
    }
  }

  private enum Landing {
    OURS,
    TAKEN_BY_OLDER
  }

  private static Landing land(ObjectStore store, String dbPath, WalObjectHeader fence) {
    String key = WalKeys.key(dbPath, fence.walId());
    byte[] bytes = WalCodec.encode(fence, List.of());
    OutcomeUnknownException last = null;
    for (int tries = 0; tries <= MAX_UNKNOWN_OUTCOMES; tries++) {
      try {
        join(store.put(key, bytes, PutCondition.ifAbsent()));
        return Landing.OURS;
      } catch (PreconditionFailedException | OutcomeUnknownException e) {
        if (e instanceof OutcomeUnknownException unknown) {
          last = unknown;
        }
        WalObjectHeader found;
        try {
          found = WalReader.readHeader(store, dbPath, fence.walId());
        } catch (ObjectNotFoundException absent) {
          continue; // our put did not land (yet): the same bytes may be put again
        }
        if (found.writeId().equals(fence.writeId())) {
          return Landing.OURS;
        }
        if (found.epoch() > fence.epoch()) {
          throw new FencedException(
              "WAL fence at "
                  + key
                  + " lost to epoch "
                  + found.epoch()
                  + "; this writer's epoch is "
                  + fence.epoch());
        }
        if (found.epoch() == fence.epoch()) {
          throw new IllegalStateException(
              "another object of epoch " + found.epoch() + " at " + key);
        }
        return Landing.TAKEN_BY_OLDER;
      }
    }
    throw new OutcomeUnknownException("could not learn whether fence " + key + " was put", last);
  }

  /** The first id at or after {@code from} with no object: a few HEADs, then one LIST. */
  static long firstAbsent(ObjectStore store, String dbPath, long from) {
    for (int i = 0; i < HEAD_PROBES; i++) {
      if (!exists(store, WalKeys.key(dbPath, from + i))) {
        return from + i;
      }
    }
    long expected = from + HEAD_PROBES;
    List<ObjectMeta> listed =
        join(store.list(WalKeys.prefix(dbPath), WalKeys.key(dbPath, expected - 1)));
    for (ObjectMeta meta : listed) {
      OptionalLong id = WalKeys.parseId(dbPath, meta.key());
      if (id.isEmpty() || id.getAsLong() < expected) {
        continue;
      }
      if (id.getAsLong() != expected) {
        break;
      }
      expected++;
    }
    return expected;
  }

  private static boolean exists(ObjectStore store, String key) {
    try {
      join(store.head(key));
      return true;
    } catch (ObjectNotFoundException absent) {
      return false;
    }
  }
}
