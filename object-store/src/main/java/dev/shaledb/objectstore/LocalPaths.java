package dev.shaledb.objectstore;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Maps object keys to files under a root directory, one to one.
 *
 * <p>Key "a/b" and key "a/b/c" must coexist, so a key's last segment becomes a file named {@code
 * <segment>%o} while earlier segments become directories named {@code <segment>}. Segments escape
 * '%' as "%25", so no escaped directory name ever contains "%o" and the store's own folders {@code
 * %tmp} and {@code %locks} can never be a key.
 */
final class LocalPaths {
  private static final String FILE_SUFFIX = "%o";
  private static final int MAX_SEGMENT_BYTES = 240;

  private final Path root;

  LocalPaths(Path root) {
    this.root = root.toAbsolutePath().normalize();
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

  /** Every key under {@code prefix} after {@code startAfter}, in {@link ObjectKeys#ORDER}. */
  List<ObjectMeta> list(String prefix, String startAfter) throws IOException {
    int slash = prefix.lastIndexOf('/');
    String dirKey = slash < 0 ? "" : prefix.substring(0, slash);
    Path dir = root;
    if (!dirKey.isEmpty()) {
      for (String segment : dirKey.split("/")) {
        dir = dir.resolve(escape(segment));
      }
    }
    List<String> keys = new ArrayList<>();
    collect(dir, dirKey, prefix, keys);
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

  private void collect(Path dir, String dirKey, String prefix, List<String> keys)
      throws IOException {
    if (dir.equals(root.resolve("%tmp")) || dir.equals(root.resolve("%locks"))) {
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
          && !name.startsWith("%")
          && (key.startsWith(prefix) || prefix.startsWith(key + "/"))) {
        collect(child, key, prefix, keys);
      }
    }
  }

  /** Makes a rename or unlink in {@code dir} durable. */
  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
