package dev.shaledb.gc;

import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.table.TableIds;
import dev.shaledb.table.TableKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides which table objects one garbage collection run may delete, and condemns them through the
 * manifest first, so that no publisher can list them afterwards whatever its timing (docs/gc.md,
 * "Tables").
 *
 * <p>A table is a <em>candidate</em> if no live version lists it and the store stamped it more than
 * {@code minAge} before the run's store time. Candidates are deleted only once they sort at or
 * below the table floor of a published version ({@link ManifestState#condemnedThrough()}): every
 * publish checks its change against the floor of the very base it lands on, so a table at or below
 * a floor that the base does not list can never be listed by any later version. If candidates lie
 * above the latest floor, the run first publishes a higher floor (one manifest version, without a
 * role), then removes from its deletions every table listed by a version published between the one
 * it read and its own. The floor stops below the smallest unreferenced table that is <em>not</em> a
 * candidate (a young upload that may still be published), so uploads in flight are normally not
 * condemned; if one is (its uploader's clock lags, or it stalled), its publish is refused and the
 * uploader uploads again under a fresh id. Timing never decides safety here, only how often that
 * happens.
 */
public final class TableCondemnation {
  private final ManifestStore manifests;
  private final String path;
  private final Duration minAge;

  TableCondemnation(ManifestStore manifests, String path, Duration minAge) {
    this.manifests = manifests;
    this.path = path;
    this.minAge = minAge;
  }

  /**
   * The tables to delete now, given the latest version read, the tables of every live version, a
   * listing of the table folder and the run's store time. May publish a manifest version.
   */
  List<ObjectMeta> deletable(
      Manifest latest, Set<String> referenced, List<ObjectMeta> listing, Instant now) {
    Instant oldEnough = now.minus(minAge);
    List<ObjectMeta> candidates = new ArrayList<>();
    String youngest = null; // the smallest id of an unreferenced table too young to delete
    for (ObjectMeta meta : listing) {
      String id = TableKeys.parseId(path, meta.key());
      // Only ids of the engine's own layout: a foreign object in the folder is not the engine's to
      // delete, and condemning it could push the floor, and every later id, past any layout.
      if (id == null || referenced.contains(id) || !TableIds.isEngineId(id)) {
        continue;
      }
      // A store that did not say when it wrote the object (ObjectMeta.UNKNOWN_TIME): young.
      if (meta.lastModified().isBefore(oldEnough)) {
        candidates.add(meta);
      } else if (youngest == null || id.compareTo(youngest) < 0) {
        youngest = id;
      }
    }
    candidates.sort(Comparator.comparing(m -> TableKeys.parseId(path, m.key())));
    List<ObjectMeta> eligible = new ArrayList<>();
    for (ObjectMeta meta : candidates) {
      if (youngest == null || TableKeys.parseId(path, meta.key()).compareTo(youngest) < 0) {
        eligible.add(meta);
      }
    }
    if (eligible.isEmpty()) {
      return List.of();
    }
    String floor = TableKeys.parseId(path, eligible.get(eligible.size() - 1).key());
    if (latest.state().isBelowFloor(floor)) {
      return eligible; // condemned by an earlier run's floor already
    }
    Set<String> listedSince = raiseFloor(latest, floor);
    List<ObjectMeta> out = new ArrayList<>(eligible.size());
    for (ObjectMeta meta : eligible) {
      if (!listedSince.contains(TableKeys.parseId(path, meta.key()))) {
        out.add(meta);
      }
    }
    return out;
  }

  /**
   * Publishes a table floor of at least {@code floor} and returns the ids of every table listed by
   * a version after {@code read} up to and including the one published: those may have been added
   * after this run read the manifest, so they are not garbage.
   */
  private Set<String> raiseFloor(Manifest read, String floor) {
    Manifest published =
        manifests.publish(
            base ->
                base.isBelowFloor(floor) ? base : base.toBuilder().condemnedThrough(floor).build());
    Set<String> listed = new HashSet<>(published.state().tableIds());
    for (long id = read.id() + 1; id < published.id(); id++) {
      // Published moments ago, so never retired yet; if it were, the pins are unknown: delete none.
      ManifestState between =
          manifests
              .read(id)
              .map(Manifest::state)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "manifest version read during garbage collection vanished"));
      listed.addAll(between.tableIds());
    }
    return listed;
  }
}
