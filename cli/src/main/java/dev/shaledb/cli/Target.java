package dev.shaledb.cli;

import dev.shaledb.CompactionOptions;
import dev.shaledb.Db;
import dev.shaledb.DbOptions;
import dev.shaledb.DbReader;
import dev.shaledb.DbReaderOptions;
import dev.shaledb.GcOptions;
import dev.shaledb.error.DbNotFoundException;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStores;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * The database the global options name: {@code --store} and {@code --path}. Opens the store on
 * first use and closes it in {@link #close()}.
 *
 * <p>Nothing here creates a database. A {@code file:} store would create its directory when opened,
 * so a directory that does not exist is reported as "no database" before the store is opened; and
 * {@link #openWriter()} first checks that a manifest exists, because {@code Db.open} would create a
 * new, empty database at a mistyped path.
 */
final class Target implements AutoCloseable {
  private final String uri;
  private final String path;
  private ObjectStore store;

  Target(String uri, String path) {
    if (uri == null) {
      throw new CliException(
          ExitCodes.USAGE,
          "missing --store URI (file:/dir, s3://bucket[/prefix][?...] or memory:)");
    }
    this.uri = uri;
    this.path = ManifestKeys.validateDbPath(path == null ? "" : path);
  }

  String path() {
    return path;
  }

  /** The store URI, fit to print (no secrets). */
  String redactedUri() {
    return ObjectStores.redact(uri);
  }

  ObjectStore store() {
    if (store == null) {
      requireFileDirectory();
      store = ObjectStores.open(uri);
    }
    return store;
  }

  /** The latest manifest version; fails with {@link DbNotFoundException} if there is none. */
  Manifest latestManifest() {
    return new ManifestStore(store(), path).readLatest().orElseThrow(this::notFound);
  }

  /**
   * A reader that never polls: it shows the state as of opening, or the tables {@code checkpoint}
   * pinned if it is not null, and fences nobody.
   */
  DbReader openReader(UUID checkpoint) {
    return DbReader.open(
        store(),
        path,
        DbReaderOptions.builder()
            .pollInterval(Duration.ZERO)
            .blockCacheBytes(8L << 20)
            .checkpoint(checkpoint)
            .build());
  }

  /**
   * A writer, for {@code put} and {@code delete}: opening it fences the database's current writer.
   * Refuses a path without a database instead of creating one.
   */
  Db openWriter() {
    latestManifest();
    // No background compaction or GC: the tool writes one thing, flushes it and leaves.
    return Db.open(
        store(),
        path,
        DbOptions.builder()
            .compaction(CompactionOptions.disabled())
            .gc(GcOptions.builder().interval(Duration.ZERO).build())
            .build());
  }

  DbNotFoundException notFound() {
    return new DbNotFoundException(
        "no database at path '"
            + path
            + "' in store '"
            + redactedUri()
            + "' (no manifest under '"
            + ManifestKeys.prefix(path)
            + "')");
  }

  private void requireFileDirectory() {
    if (!uri.startsWith("file:")) {
      return;
    }
    String dir;
    try {
      dir = new URI(uri).getPath();
    } catch (URISyntaxException e) {
      return; // ObjectStores.open reports it
    }
    if (dir != null && !dir.isEmpty() && !Files.isDirectory(Path.of(dir))) {
      throw notFound();
    }
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
    }
  }
}
