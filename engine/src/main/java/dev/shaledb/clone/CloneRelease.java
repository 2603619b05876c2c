package dev.shaledb.clone;

import dev.shaledb.manifest.ClonePin;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.support.CorruptionReporter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clone's side of sharing: once no live version of a clone lists a borrowed table, its
 * collector removes the checkpoints it holds in its sources, then the pins from its own manifest.
 *
 * <p>Why that is safe whatever the timing (docs/gc.md, "Clones"): a borrowed table can only be
 * inherited, never added (every publish checks {@link ManifestState#requireNoNewBorrowedTables}
 * against the base it lands on), so once the latest version {@code L} a run read and every version
 * live at its clock lists none, no later version will. A process still reading an older version is
 * bound by assumption A1 like any reader. The source checkpoint goes first: a crash between the two
 * steps leaves a pin naming a removed checkpoint, which the next run drops; the other order could
 * leak a checkpoint in the source for ever.
 */
public final class CloneRelease {
  private static final Logger LOG = LoggerFactory.getLogger(CloneRelease.class);

  private CloneRelease() {}

  /**
   * Releases the pins of {@code latest} if none of {@code live} (the states live at the run's
   * clock, including {@code latest}'s) borrows a table. Returns how many pins were released.
   */
  public static int releaseIfUnused(
      ObjectStore store,
      ManifestStore manifests,
      Manifest latest,
      List<ManifestState> live,
      CorruptionReporter corruption) {
    List<ClonePin> pins = latest.state().clonePins();
    if (pins.isEmpty()) {
      return 0;
    }
    for (ManifestState state : live) {
      if (state.hasBorrowedTables()) {
        return 0;
      }
    }
    for (ClonePin pin : pins) {
      removeCheckpoint(new ManifestStore(store, pin.sourcePath(), corruption), pin.checkpointId());
      LOG.info(
          "clone '{}' shares no table of '{}' any more: removed its checkpoint {} there",
          manifests.dbPath(),
          pin.sourcePath(),
          pin.checkpointId());
    }
    Set<ClonePin> released = Set.copyOf(pins);
    manifests.publish(
        base -> base.toBuilder().clonePins(without(base.clonePins(), released::contains)).build());
    return pins.size();
  }

  /** Removes checkpoint {@code id} from {@code manifests}' database, if it is there. */
  static void removeCheckpoint(ManifestStore manifests, UUID id) {
    if (manifests.readLatest().map(m -> has(m.state(), id)).orElse(false)) {
      manifests.publish(
          base ->
              base.toBuilder()
                  .checkpoints(base.checkpoints().stream().filter(c -> !c.id().equals(id)).toList())
                  .build());
    }
  }

  private static boolean has(ManifestState state, UUID id) {
    return state.checkpoints().stream().anyMatch(c -> c.id().equals(id));
  }

  private static List<ClonePin> without(List<ClonePin> pins, Predicate<ClonePin> released) {
    List<ClonePin> kept = new ArrayList<>();
    for (ClonePin pin : pins) {
      if (!released.test(pin)) {
        kept.add(pin);
      }
    }
    return kept;
  }
}
