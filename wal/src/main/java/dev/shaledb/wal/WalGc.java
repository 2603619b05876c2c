package dev.shaledb.wal;

import static java.util.Objects.requireNonNull;

import dev.shaledb.objectstore.ObjectMeta;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * Which WAL objects garbage collection may delete (the deletion itself is the caller's).
 *
 * <p>Only objects strictly below the replay anchor ({@code flushedWalId} of the latest manifest)
 * qualify, and of those only objects written with the epoch that was current at their position: the
 * highest epoch of the fences below them. Two kinds are kept forever, because their keys are what
 * makes a fenced writer's late put collide (see {@code docs/protocol.md}):
 *
 * <ul>
 *   <li>fences, recognised from a listing alone: every fence is exactly {@link
 *       WalObjectHeader#FENCE_OBJECT_SIZE} bytes and every other WAL object is larger;
 *   <li>objects of an older epoch than the fences below them: a fenced writer's late puts. One may
 *       sit at the id a newer, still unfenced writer is about to write; deleting it would let that
 *       writer's put land below the anchor and be acknowledged, yet never replayed.
 * </ul>
 *
 * Deciding the second kind takes the header of every fence and candidate (a 56-byte ranged GET).
 */
public final class WalGc {
  private WalGc() {}

  /** Whether a listed WAL object is a fence, judged by its size. */
  public static boolean isFence(ObjectMeta meta) {
    return requireNonNull(meta, "meta is null").size() == WalObjectHeader.FENCE_OBJECT_SIZE;
  }

  /**
   * The WAL objects of {@code dbPath} that may be deleted, given a listing of its WAL folder and
   * the latest manifest's {@code flushedWalId}. Reads the headers of fences and candidates below
   * the anchor with {@code reader}. Keys in the listing that are not WAL objects are ignored.
   */
  public static List<ObjectMeta> deletable(
      String dbPath, List<ObjectMeta> listing, long flushedWalId, WalReader reader) {
    WalKeys.validateDbPath(dbPath);
    requireNonNull(listing, "listing is null");
    requireNonNull(reader, "reader is null");
    List<ObjectMeta> sorted = new ArrayList<>();
    for (ObjectMeta meta : listing) {
      OptionalLong id = WalKeys.parseId(dbPath, meta.key());
      if (id.isPresent() && id.getAsLong() < flushedWalId) {
        sorted.add(meta);
      }
    }
    sorted.sort(Comparator.comparingLong(m -> WalKeys.parseId(dbPath, m.key()).orElseThrow()));
    List<ObjectMeta> out = new ArrayList<>();
    long currentEpoch = 0;
    for (ObjectMeta meta : sorted) {
      long id = WalKeys.parseId(dbPath, meta.key()).orElseThrow();
      // An object deleted since the listing was taken needs no decision.
      WalObjectHeader header = reader.readHeader(id).orElse(null);
      if (header == null) {
        continue;
      }
      if (header.fence()) {
        currentEpoch = Math.max(currentEpoch, header.epoch());
      } else if (header.epoch() >= currentEpoch) {
        out.add(meta);
      }
    }
    return out;
  }
}
