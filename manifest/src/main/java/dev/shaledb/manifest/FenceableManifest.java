package dev.shaledb.manifest;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.FencedException;
import java.time.Instant;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The manifest as seen by the holder of one role's epoch: the writer or the compactor.
 *
 * <p>{@link #open} raises the role's epoch by publishing a new version, which fences every earlier
 * holder of the role. Every later {@link #update} is published only while the latest state still
 * carries this epoch; once a higher epoch is seen, this instance is fenced for good and every call
 * throws {@link FencedException} at once, without touching the store.
 *
 * <p>Changes are functions of the latest state and may be applied several times (after losing a
 * race to the other role or to a tool). A change must not modify either epoch, and must keep the
 * other role's fields: the writer must not change the sorted runs or remove L0 tables, and may only
 * move the WAL replay point and the flushed sequence forward; the compactor must not change the WAL
 * fields or the flushed sequence, and may only remove L0 tables. Violations throw {@link
 * IllegalArgumentException} and publish nothing.
 *
 * <p>Thread-safe; calls are serialised.
 */
public final class FenceableManifest {
  private final ManifestStore store;
  private final Role role;
  private final long epoch;
  private Manifest latest;
  private FencedException fenced;

  private FenceableManifest(ManifestStore store, Role role, Manifest opened) {
    this.store = store;
    this.role = role;
    this.epoch = opened.state().epoch(role);
    this.latest = opened;
  }

  /** Opens as the writer; see {@link #open(ManifestStore, Role)}. */
  public static FenceableManifest openWriter(ManifestStore store) {
    return open(store, Role.WRITER);
  }

  /** Opens as the compactor; see {@link #open(ManifestStore, Role)}. */
  public static FenceableManifest openCompactor(ManifestStore store) {
    return open(store, Role.COMPACTOR);
  }

  /**
   * Publishes a version with {@code role}'s epoch one above the latest (creating the database if it
   * has no manifest) and returns the holder of that epoch.
   */
  public static FenceableManifest open(ManifestStore store, Role role) {
    requireNonNull(store, "store is null");
    requireNonNull(role, "role is null");
    Manifest opened = store.publish(null, 0, s -> s.withEpoch(role, s.epoch(role) + 1));
    return new FenceableManifest(store, role, opened);
  }

  public Role role() {
    return role;
  }

  /** This holder's epoch. */
  public long epoch() {
    return epoch;
  }

  /** The latest version this holder has seen, without any request. */
  public synchronized Manifest latest() {
    return latest;
  }

  public synchronized boolean isFenced() {
    return fenced != null;
  }

  /** Reads the latest version; throws {@link FencedException} if another holder took over. */
  public synchronized Manifest refresh() {
    requireNotFenced();
    Manifest now = store.readLatest().orElseThrow(() -> new IllegalStateException("no manifest"));
    if (now.state().epoch(role) > epoch) {
      throw fence(ManifestStore.fenced(role, epoch, now));
    }
    latest = now;
    return now;
  }

  /**
   * Publishes {@code change} applied to the latest state and returns the new version; throws {@link
   * FencedException} if another holder took over.
   */
  public synchronized Manifest update(UnaryOperator<ManifestState> change) {
    requireNonNull(change, "change is null");
    requireNotFenced();
    try {
      latest =
          store.publish(
              role,
              epoch,
              base -> {
                ManifestState next = requireNonNull(change.apply(base), "change returned null");
                Ownership.check(role, base, next);
                return next;
              });
      return latest;
    } catch (FencedException e) {
      throw fence(e);
    }
  }

  /**
   * Publishes a checkpoint that pins the very version this call publishes, so the pinned version
   * exists, holds the latest state at publication (everything published before this call) and,
   * being the latest when it appears, can never be retired before the checkpoint protects it.
   * Returns the new version; the checkpoint is {@code new Checkpoint(id, version.id(), expireAt,
   * name)}. Throws {@link FencedException} if another holder took over.
   */
  public synchronized Manifest addCheckpoint(UUID id, Instant expireAt, String name) {
    requireNonNull(id, "id is null");
    requireNonNull(name, "name is null");
    // Fail on a bad name before any request.
    new Checkpoint(id, 1, expireAt, name);
    requireNotFenced();
    try {
      latest =
          store.publishAt(
              role,
              epoch,
              (versionId, base) -> {
                ManifestState next =
                    base.toBuilder()
                        .addCheckpoint(new Checkpoint(id, versionId, expireAt, name))
                        .build();
                Ownership.check(role, base, next);
                return next;
              });
      return latest;
    } catch (FencedException e) {
      throw fence(e);
    }
  }

  private void requireNotFenced() {
    if (fenced != null) {
      throw new FencedException(fenced.getMessage(), fenced);
    }
  }

  private FencedException fence(FencedException e) {
    fenced = e;
    return e;
  }
}
