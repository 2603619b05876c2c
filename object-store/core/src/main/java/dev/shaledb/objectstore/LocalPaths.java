package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Maps object keys to files under a root directory, one to one.
 *
 * <p>Key "a/b" and key "a/b/c" must coexist, so a key's last segment becomes a file named {@code
 * <segment>%o} while earlier segments become directories named {@code <segment>}. Segments escape
 * '%' as "%25", so no escaped directory name ever contains "%o" and the store's own folders {@code
 * %tmp} and {@code %locks} in the root can never be a key; a key segment that starts with '%' is an
 * ordinary (escaped) name at every level.
 *
 * <p>The root is a real path (no symbolic links), so one directory has one name however it was
 * opened. A directory this class creates is linked durably into its parent (the parent is fsynced)
 * before it is used, so a new directory and the objects in it survive a power loss.
 */
final class LocalPaths {
  private static final String FILE_SUFFIX = "%o";
  private static final int MAX_SEGMENT_BYTES = 240;

  /** Makes the entries of a directory durable; a seam, so tests can see which are synced. */
  interface DirectorySync {
    void sync(Path dir) throws IOException;
  }

  private final Path root;
  private final DirectorySync sync;

  /**
   * Directories below the root known to be durably linked in their parents: synced by this
   * instance, whoever created them, since another process may have created one and not yet synced
   * its parent when this one writes into it.
   */
  private final Set<Path> durable = ConcurrentHashMap.newKeySet();

  /** Paths under {@code realRoot}, which must be an existing directory's real path. */
  LocalPaths(Path realRoot, DirectorySync sync) {
    this.root = requireNonNull(realRoot, "realRoot is null");
    this.sync = requireNonNull(sync, "sync is null");
  }

  Path root() {
    return root;
  }

  Path tempDir() {
    return root.resolve("%tmp");
  }

  Path lockDir() {
    return root.resolve("%locks");
  }

  Path objectPath(String key) {
    String[] segments = key.split("/");
    Path path = root;
    for (int i = 0; i < segments.length; i++) {
      String name = escape(segments[i]);
      path = path.resolve(i == segments.length - 1 ? name + FILE_SUFFIX : name);
    }
    return path;
  }

  private static String escape(String segment) {
    String escaped = segment.replace("%", "%25");
    if (escaped.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
      throw new IllegalArgumentException(
          "key segment is longer than "
              + MAX_SEGMENT_BYTES
              + " bytes, which a local file name "
              + "cannot hold: '"
              + segment
              + "'");
    }
    return escaped;
  }

  /** Makes the entries of {@code dir} durable (a rename, link or unlink in it). */
  void sync(Path dir) throws IOException {
    sync.sync(dir);
  }

  /**
   * Creates {@code dir} (the root or a directory below it) and its missing ancestors. When this
   * returns, each of them is durably linked into its parent.
   */
  void ensureDirectory(Path dir) throws IOException {
    if (dir.equals(root) || (durable.contains(dir) && Files.isDirectory(dir))) {
      return;
    }
    ensureDirectory(dir.getParent());
    createDirectory(dir);
    sync.sync(dir.getParent());
    durable.add(dir);
  }

  /**
   * Creates {@code dir} and its missing ancestors, anywhere (the store's root and its own folders),
   * syncing the parent of each directory it creates.
   */
  static void createDirectories(Path dir, DirectorySync sync) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      createDirectories(parent, sync);
    }
    createDirectory(dir);
    if (parent != null) {
      sync.sync(parent);
    }
  }

  private static void createDirectory(Path dir) throws IOException {
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
      // created concurrently by another thread or process
    }
  }

  /**
   * Deletes the temporary files in {@link #tempDir()} last modified before {@code cutoff}: those a
   * killed process left behind. Deleting the temporary file of a writer that is still alive (one
   * that has not touched it since the cutoff) only makes that writer's link or rename fail, so its
   * put fails with a retryable error and is never acknowledged: no acknowledged object is lost.
   *
   * @return how many files were deleted
   */
  int removeTempFilesOlderThan(Instant cutoff) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(tempDir())) {
      for (Path temp : temps) {
        try {
          BasicFileAttributes attrs =
              Files.readAttributes(temp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (attrs.isRegularFile()
              && attrs.lastModifiedTime().toInstant().isBefore(cutoff)
              && Files.deleteIfExists(temp)) {
            removed++;
          }
        } catch (NoSuchFileException e) {
          // renamed into place by its writer, or removed by another store opening meanwhile
        }
      }
    }
    return removed;
  }

  /** Every key under {@code prefix} after {@code startAfter}, in {@link ObjectKeys#ORDER}. */
  List<ObjectMeta> list(String prefix, String startAfter) throws IOException {
    String dirKey = dirKeyOf(prefix);
    List<String> keys = new ArrayList<>();
    collect(directory(dirKey), dirKey, prefix, keys);
    keys.sort(ObjectKeys.ORDER);
    List<ObjectMeta> out = new ArrayList<>(keys.size());
    for (String key : keys) {
      if (startAfter != null && ObjectKeys.ORDER.compare(key, startAfter) <= 0) {
        continue;
      }
      try {
        out.add(LocalMeta.read(key, objectPath(key)));
      } catch (ObjectNotFoundException deletedMeanwhile) {
        // a concurrent delete; a listing never shows an object that does not exist
      }
    }
    return out;
  }

  /**
   * Up to {@code max} names under {@code prefix}: object keys, and the paths of files and empty
   * directories that are not objects (another program's), relative to the root, a directory's with
   * a trailing '/'. Stops walking once it has {@code max}; see {@link ObjectStore#listSome}.
   */
  List<String> listSome(String prefix, int max) throws IOException {
    String dirKey = dirKeyOf(prefix);
    List<String> names = new ArrayList<>();
    collectSome(directory(dirKey), dirKey, prefix, max, names);
    names.sort(ObjectKeys.ORDER);
    return names;
  }

  /** The deepest folder key a listing of {@code prefix} starts in ("" for the root). */
  private static String dirKeyOf(String prefix) {
    int slash = prefix.lastIndexOf('/');
    return slash < 0 ? "" : prefix.substring(0, slash);
  }

  /** The directory of folder key {@code dirKey}. */
  private Path directory(String dirKey) {
    Path dir = root;
    if (!dirKey.isEmpty()) {
      for (String segment : dirKey.split("/")) {
        dir = dir.resolve(escape(segment));
      }
    }
    return dir;
  }

  private void collectSome(Path dir, String dirKey, String prefix, int max, List<String> names)
      throws IOException {
    List<Path> children;
    try (Stream<Path> stream = Files.list(dir)) {
      children = stream.sorted().toList();
    } catch (NoSuchFileException | NotDirectoryException e) {
      return;
    }
    for (Path child : children) {
      if (names.size() >= max) {
        return;
      }
      if (child.equals(tempDir()) || child.equals(lockDir())) {
        continue; // the store's own, not entries
      }
      String name = child.getFileName().toString();
      boolean object = name.endsWith(FILE_SUFFIX);
      boolean directory = !object && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS);
      String segment =
          object || directory
              ? (object ? name.substring(0, name.length() - FILE_SUFFIX.length()) : name)
                  .replace("%25", "%")
              : name;
      String key = dirKey.isEmpty() ? segment : dirKey + "/" + segment;
      if (!directory) {
        if (key.startsWith(prefix)) {
          names.add(key);
        }
      } else if (key.startsWith(prefix) || prefix.startsWith(key + "/")) {
        if (isEmptyDirectory(child) && key.startsWith(prefix)) {
          names.add(key + "/");
        } else {
          collectSome(child, key, prefix, max, names);
        }
      }
    }
  }

  private static boolean isEmptyDirectory(Path dir) throws IOException {
    try (Stream<Path> stream = Files.list(dir)) {
      return stream.findAny().isEmpty();
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private void collect(Path dir, String dirKey, String prefix, List<String> keys)
      throws IOException {
    // Only the root's own folders are skipped: a key segment "%tmp" is the directory "%25tmp".
    if (dir.equals(tempDir()) || dir.equals(lockDir())) {
      return;
    }
    List<Path> children;
    try (Stream<Path> stream = Files.list(dir)) {
      children = stream.toList();
    } catch (NoSuchFileException e) {
      return;
    }
    for (Path child : children) {
      String name = child.getFileName().toString();
      boolean file = name.endsWith(FILE_SUFFIX);
      String segment =
          (file ? name.substring(0, name.length() - FILE_SUFFIX.length()) : name)
              .replace("%25", "%");
      String key = dirKey.isEmpty() ? segment : dirKey + "/" + segment;
      if (file) {
        if (key.startsWith(prefix)) {
          keys.add(key);
        }
      } else if (Files.isDirectory(child)
          && (key.startsWith(prefix) || prefix.startsWith(key + "/"))) {
        collect(child, key, prefix, keys);
      }
    }
  }

  /** Makes a rename, link, unlink or new directory in {@code dir} durable. */
  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
