package dev.shaledb.manifest;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.DbException;
import java.util.List;

/**
 * A change would list tables that a garbage collector has condemned: their ids sort at or below the
 * base state's table floor ({@link ManifestState#condemnedThrough()}) and the base does not list
 * them, so they may already be deleted. Nothing was published. The publisher's uploads took longer
 * than the collector's {@code minAge} to be published (a stall); it must upload the same data again
 * under fresh ids above the floor ({@link #floor()}) and publish those instead. Thrown by every
 * publishing method of {@link ManifestStore} and {@link FenceableManifest}.
 */
public final class CondemnedTablesException extends DbException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> tableIds;
  private final String floor;

  public CondemnedTablesException(List<String> tableIds, String floor) {
    super(
        "tables "
            + requireNonNull(tableIds, "tableIds is null")
            + " were condemned by garbage collection (table floor '"
            + requireNonNull(floor, "floor is null")
            + "') before they were published; upload them again under fresh ids");
    this.tableIds = List.copyOf(tableIds);
    this.floor = floor;
  }

  /** The condemned tables the change would have listed, sorted. */
  public List<String> tableIds() {
    return tableIds;
  }

  /** The base state's table floor: fresh table ids must sort above it. */
  public String floor() {
    return floor;
  }
}
