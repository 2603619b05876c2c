package dev.shaledb.wal;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * The fixed-size header of a WAL object.
 *
 * @param walId the id the object was written at (also part of its key)
 * @param epoch the writer epoch of the writer that wrote it
 * @param prevId the id of the same writer's previous object in its chain (its fence for the first
 *     one), 0 for a fence; replay uses it to ignore objects whose predecessor was re-placed
 * @param writeId a random id that lets the writer recognise its own object after an ambiguous put
 * @param fence whether this is a fence object (no batches)
 * @param batchCount the number of batches; 0 exactly for a fence
 */
public record WalObjectHeader(
    long walId, long epoch, long prevId, UUID writeId, boolean fence, int batchCount) {
  /** The header's size in bytes. */
  public static final int SIZE = 56;

  /**
   * The exact size of every fence object, in bytes. Every object with batches is larger, so a
   * listing alone tells fences apart (garbage collection must keep fences forever).
   */
  public static final int FENCE_OBJECT_SIZE = SIZE + 4;

  public WalObjectHeader {
    if (walId < 1) {
      throw new IllegalArgumentException("walId is not positive: " + walId);
    }
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch is not positive: " + epoch);
    }
    if (prevId < 0 || prevId >= walId) {
      throw new IllegalArgumentException("prevId " + prevId + " is not in 0.." + (walId - 1));
    }
    requireNonNull(writeId, "writeId is null");
    if (fence != (batchCount == 0)) {
      throw new IllegalArgumentException(
          fence ? "a fence has batches" : "a WAL object without batches must be a fence");
    }
    if (fence && prevId != 0) {
      throw new IllegalArgumentException("a fence has a previous id");
    }
    if (batchCount < 0) {
      throw new IllegalArgumentException("batchCount is negative: " + batchCount);
    }
  }
}
