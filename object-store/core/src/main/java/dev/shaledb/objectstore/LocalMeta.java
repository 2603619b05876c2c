package dev.shaledb.objectstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;

/** Metadata and consistent reads of one file of a {@link LocalFileObjectStore}. */
final class LocalMeta {
  private static final int MAX_ATTEMPTS = 16;

  private LocalMeta() {}

  static ObjectMeta read(String key, Path path) throws IOException {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(key);
    }
    return meta(key, attrs);
  }

  private static ObjectMeta meta(String key, BasicFileAttributes attrs) {
    Instant modified = attrs.lastModifiedTime().toInstant();
    // A put always creates a new file (new inode) and renames or links it into place, so the file
    // identity plus its modification time names one put, even if an inode number is reused.
    String identity = String.valueOf(attrs.fileKey()).replaceAll("[^0-9A-Za-z]+", "");
    String version =
        identity
            + "-"
            + Long.toHexString(modified.getEpochSecond())
            + Integer.toHexString(modified.getNano())
            + "-"
            + Long.toHexString(attrs.size());
    return new ObjectMeta(key, attrs.size(), version, modified);
  }

  /**
   * Reads a range of the file as one version: metadata before and after opening must agree, so a
   * concurrent rename cannot pair one version's metadata with another version's bytes.
   */
  static ObjectContent readContent(String key, Path path, ByteRange range) throws IOException {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      ObjectMeta before = read(key, path);
      try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
        ObjectMeta after = read(key, path);
        if (!after.equals(before)) {
          continue;
        }
        long[] span = RangeSlicer.resolve(key, range, before.size());
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(span[1] - span[0]));
        long position = span[0];
        while (buffer.hasRemaining()) {
          int read = channel.read(buffer, position);
          if (read < 0) {
            throw new IOException("file " + path + " shrank while being read");
          }
          position += read;
        }
        return new ObjectContent(before, span[0], buffer.array());
      } catch (NoSuchFileException e) {
        // deleted or replaced between the metadata read and the open: look again
      }
    }
    throw new ObjectStoreException("'" + key + "' kept changing while being read", true);
  }
}
