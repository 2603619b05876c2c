package dev.shaledb.support;

import dev.shaledb.error.DbNotFoundException;
import dev.shaledb.error.ForeignObjectsException;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectKeys;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.StoreProbe;
import dev.shaledb.table.TableKeys;
import dev.shaledb.wal.WalKeys;
import java.util.List;
import java.util.Set;

/**
 * What may already lie under a path where a database is to be created (docs/engine.md, "Where a
 * database may be created"). A key below the path is a database's if one of its folders is one of a
 * database's own ({@code manifest/}, {@code wal/}, {@code sst/}, {@code gc/}, {@code probe/}): this
 * database's leftovers ({@code probe/verified} from an earlier attempt) or another database's
 * nested under it ({@code orders/manifest/…}), a layout that is allowed. Anything else is foreign.
 * The check costs one bounded LIST ({@link ObjectStore#listSome}) of {@link #SAMPLE} entries and
 * runs only when the path has no manifest, so opening an existing database never pays it; a path
 * whose first {@value #SAMPLE} entries are all a database's is accepted.
 */
public final class DbPaths {
  /** How many entries the check looks at: one small page. */
  public static final int SAMPLE = 20;

  /** How many foreign names a refusal quotes. */
  private static final int QUOTED = 3;

  private static final Set<String> DATABASE_FOLDERS =
      Set.of(
          ManifestKeys.FOLDER,
          WalKeys.FOLDER,
          TableKeys.FOLDER,
          StoreClock.FOLDER,
          StoreProbe.FOLDER);

  private DbPaths() {}

  /**
   * Refuses to create a database at {@code path} if the store holds foreign entries under it.
   *
   * @throws ForeignObjectsException naming the path and a few of the entries; nothing was written
   */
  public static void requireNoForeignObjects(ObjectStore store, String path) {
    String prefix = path.isEmpty() ? "" : ObjectKeys.under(path, "");
    List<String> foreign =
        Futures.join(store.listSome(prefix, SAMPLE)).stream()
            .filter(name -> !isDatabaseEntry(name.substring(prefix.length())))
            .toList();
    if (foreign.isEmpty()) {
      return;
    }
    List<String> quoted = foreign.subList(0, Math.min(QUOTED, foreign.size()));
    throw new ForeignObjectsException(
        "will not create a database at "
            + describe(path)
            + " of store "
            + store
            + ": it already holds objects or files that are not a database's, such as "
            + String.join(", ", quoted.stream().map(n -> "'" + n + "'").toList())
            + (foreign.size() > quoted.size() ? " (and more)" : "")
            + ". Nothing was created. Check the store and path; to create the database beside"
            + " them, set DbOptions.builder().allowForeignObjects(true)",
        path,
        quoted);
  }

  /** "path 'a/b'", or "the store root" for "". */
  public static String describe(String path) {
    return path.isEmpty() ? "the store root" : "path '" + path + "'";
  }

  /**
   * The latest manifest of the database whose manifests {@code manifests} holds, for an open that
   * never creates one (a reader, compactor or garbage collector).
   *
   * @throws DbNotFoundException if the path has no manifest; nothing was written
   */
  public static Manifest requireDatabase(ManifestStore manifests) {
    return manifests
        .readLatest()
        .orElseThrow(
            () ->
                new DbNotFoundException(
                    "no database at path '" + manifests.dbPath() + "': it has no manifest"));
  }

  /**
   * Whether {@code relative} (a name below a database path) lies in a database's folder: one of its
   * folder segments (every segment but the last, all of them for a directory ending in '/') names
   * one.
   */
  static boolean isDatabaseEntry(String relative) {
    String[] segments = relative.split("/");
    int folders = relative.endsWith("/") ? segments.length : segments.length - 1;
    for (int i = 0; i < folders; i++) {
      if (DATABASE_FOLDERS.contains(segments[i] + "/")) {
        return true;
      }
    }
    return false;
  }
}
