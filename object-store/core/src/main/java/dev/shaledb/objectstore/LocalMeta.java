package dev.shaledb.objectstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
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
   * Reads a range of the key's file as one version, through {@code cache}: the metadata returned
   * always describes the file the bytes came from.
   *
   * <p>The read takes effect when the path's attributes are read. A cached channel serves it only
   * if those attributes name the channel's file ({@link ChannelCache.Handle#matches}); a file
   * renamed over the key or deleted since, by this store or another process, no longer matches, and
   * its handle is retired. A file is opened only between two attribute reads that agree, so a
   * concurrent rename cannot pair one version's metadata with another version's bytes.
   */
  static ObjectContent readContent(String key, Path path, ByteRange range, ChannelCache cache)
      throws IOException {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(path, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        cache.invalidate(key); // deleted: free its space now, not at eviction
        throw new ObjectNotFoundException(key);
      }
      ChannelCache.Handle handle = cache.acquire(key);
      if (handle != null && !handle.matches(attrs)) {
        cache.retire(handle);
        cache.release(handle);
        handle = null;
      }
      if (handle == null) {
        handle = open(key, path, attrs);
        if (handle == null) {
          continue;
        }
        handle = cache.add(handle);
      }
      try {
        return read(handle, key, range);
      } catch (ClosedChannelException e) {
        // A reader interrupted while reading closes the shared channel (FileChannel is
        // interruptible). The interrupted reader fails as any I/O error; the others open again.
        cache.retire(handle);
        if (e instanceof ClosedByInterruptException) {
          throw e;
        }
      } finally {
        cache.release(handle);
      }
    }
    throw new ObjectStoreException("'" + key + "' kept changing while being read", true);
  }

  /**
   * The key's file opened, if the path still names the file {@code before} describes after the
   * open; null if it changed or vanished meanwhile (the caller looks again).
   */
  private static ChannelCache.Handle open(String key, Path path, BasicFileAttributes before)
      throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return null;
    }
    boolean opened = false;
    try {
      BasicFileAttributes after = Files.readAttributes(path, BasicFileAttributes.class);
      ObjectMeta meta = meta(key, before);
      if (!meta(key, after).equals(meta)) {
        return null;
      }
      opened = true;
      return new ChannelCache.Handle(key, channel, before, meta);
    } catch (NoSuchFileException e) {
      return null;
    } finally {
      if (!opened) {
        channel.close();
      }
    }
  }

  private static ObjectContent read(ChannelCache.Handle handle, String key, ByteRange range)
      throws IOException {
    long[] span = RangeSlicer.resolve(key, range, handle.meta.size());
    ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(span[1] - span[0]));
    long position = span[0];
    while (buffer.hasRemaining()) {
      int read = handle.channel.read(buffer, position);
      if (read < 0) {
        throw new IOException("file of '" + key + "' shrank while being read");
      }
      position += read;
    }
    return new ObjectContent(handle.meta, span[0], buffer.array());
  }
}
