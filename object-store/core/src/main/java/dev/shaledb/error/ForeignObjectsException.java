package dev.shaledb.error;

import java.util.List;

/**
 * A database was to be created under a path that already holds objects or files that are not a
 * database's (someone else's data, or a typo in the path). Nothing was created or changed. The
 * message names the path and some of what was found; open the right path, or create the database
 * there anyway with {@code DbOptions.builder().allowForeignObjects(true)}.
 */
public class ForeignObjectsException extends DbException {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final List<String> found;

  public ForeignObjectsException(String message, String path, List<String> found) {
    super(message);
    this.path = path;
    this.found = List.copyOf(found);
  }

  /** The database path ("" for the store root). */
  public String path() {
    return path;
  }

  /** Some of the foreign entries found under it, as the store names them. */
  public List<String> found() {
    return found;
  }
}
