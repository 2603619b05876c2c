package dev.shaledb;

import static java.util.Objects.requireNonNull;

import dev.shaledb.objectstore.ObjectMeta;
import java.util.List;

/**
 * What one garbage collection run would do now, found by {@link GarbageCollector#plan} without
 * doing it; see docs/gc.md, "Dry run". A plan is the run itself against a store that records writes
 * instead of making them, so it is what a run would do at the moment it was made; objects written
 * or aged since then change what a later run does.
 *
 * @param result what the run would report
 * @param manifestsToRetire ids of the manifest versions it would retire, ascending
 * @param tableFloor the table floor it would publish in a new manifest version before deleting
 *     tables above the current floor ({@code ""}: no publish)
 * @param tablesToDelete the table objects it would delete, as listed
 * @param walObjectsToDelete the WAL objects it would delete, as listed
 * @param otherWrites any other write it would make, as {@code "PUT key"} or {@code "DELETE key"}
 *     (none today: every step of a run is one of the above)
 */
public record GcPlan(
    GcResult result,
    List<Long> manifestsToRetire,
    String tableFloor,
    List<ObjectMeta> tablesToDelete,
    List<ObjectMeta> walObjectsToDelete,
    List<String> otherWrites) {

  public GcPlan {
    requireNonNull(result, "result is null");
    requireNonNull(tableFloor, "tableFloor is null");
    manifestsToRetire = List.copyOf(manifestsToRetire);
    tablesToDelete = List.copyOf(tablesToDelete);
    walObjectsToDelete = List.copyOf(walObjectsToDelete);
    otherWrites = List.copyOf(otherWrites);
  }
}
