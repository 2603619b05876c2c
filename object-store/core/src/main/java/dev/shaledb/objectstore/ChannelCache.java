package dev.shaledb.objectstore;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The open read-only channels of a {@link LocalFileObjectStore}, at most {@code capacity} of them,
 * least recently used first out, so that a ranged read is one positional read instead of an open, a
 * read and a close. The cache only keeps channels; whether one may serve a read is decided by
 * {@link LocalMeta#readContent} with {@link Handle#matches}.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>A {@link Handle} names the file (inode) its channel was opened on, by the attributes read
 *       before and after the open. Its channel keeps that inode alive, so no other file can get its
 *       file key while the handle is open: a path whose attributes match a handle names that
 *       handle's file. A store never writes a published file, so the bytes behind a handle are one
 *       version's bytes for as long as it is open.
 *   <li>At most {@code capacity} handles are in the map. A handle leaves it (is retired) when
 *       evicted, found stale, invalidated by a put or delete, or at {@link #close()}; it is closed
 *       when it is retired and no read holds it. Retired handles still held are bounded by the
 *       reads in flight.
 *   <li>Every decision (reference counts, retirement, eviction) is made under the lock; channels
 *       are closed outside it, so a slow close never blocks another read.
 * </ul>
 */
final class ChannelCache implements AutoCloseable {
  /** An open file, the attributes that name it and the metadata it serves. */
  static final class Handle {
    final String key;
    final FileChannel channel;
    final ObjectMeta meta;
    private final Object fileKey;
    private final FileTime modified;
    private final long size;

    // Guarded by the cache's lock.
    private int refs;
    private boolean retired;

    Handle(String key, FileChannel channel, BasicFileAttributes attrs, ObjectMeta meta) {
      this.key = key;
      this.channel = channel;
      this.meta = meta;
      this.fileKey = attrs.fileKey();
      this.modified = attrs.lastModifiedTime();
      this.size = attrs.size();
    }

    /** Whether {@code attrs}, just read from the key's path, name this handle's file. */
    boolean matches(BasicFileAttributes attrs) {
      return fileKey != null
          && fileKey.equals(attrs.fileKey())
          && modified.equals(attrs.lastModifiedTime())
          && size == attrs.size();
    }
  }

  private final int capacity;
  private final LinkedHashMap<String, Handle> open = new LinkedHashMap<>(16, 0.75f, true);
  private boolean closed;

  /** A cache of at most {@code capacity} channels; 0 caches none (every read opens its file). */
  ChannelCache(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity is negative: " + capacity);
    }
    this.capacity = capacity;
  }

  /** The cached handle of {@code key}, held for the caller until {@link #release}; or null. */
  synchronized Handle acquire(String key) {
    Handle handle = open.get(key);
    if (handle != null) {
      handle.refs++;
    }
    return handle;
  }

  /**
   * Caches {@code fresh}, just opened, in place of the key's handle, and returns it held for the
   * caller. A file without a file key (some file systems have none) cannot be told from its
   * replacement, so it is not cached and serves only this read; so is every file after close.
   */
  Handle add(Handle fresh) {
    List<Handle> toClose = new ArrayList<>();
    synchronized (this) {
      fresh.refs = 1;
      if (closed || capacity == 0 || fresh.fileKey == null) {
        fresh.retired = true;
        return fresh;
      }
      retireLocked(open.put(fresh.key, fresh), toClose);
      Iterator<Handle> eldest = open.values().iterator();
      while (open.size() > capacity) {
        Handle evicted = eldest.next();
        eldest.remove();
        retireLocked(evicted, toClose);
      }
    }
    closeAll(toClose);
    return fresh;
  }

  /**
   * Ends the caller's hold on {@code handle}, closing it if it was the last hold of a retired one.
   */
  void release(Handle handle) {
    boolean close;
    synchronized (this) {
      handle.refs--;
      close = handle.retired && handle.refs == 0;
    }
    if (close) {
      closeQuietly(handle);
    }
  }

  /** Takes {@code handle} out of use (stale, or its channel broken); the caller still holds it. */
  void retire(Handle handle) {
    synchronized (this) {
      open.remove(handle.key, handle);
      handle.retired = true;
    }
  }

  /**
   * Drops the key's handle after this store replaced or deleted its file: a read would find it
   * stale anyway, but the handle would keep a deleted file's space until then.
   */
  void invalidate(String key) {
    List<Handle> toClose = new ArrayList<>();
    synchronized (this) {
      retireLocked(open.remove(key), toClose);
    }
    closeAll(toClose);
  }

  /** How many channels are cached (not counting retired ones that reads still hold). */
  synchronized int size() {
    return open.size();
  }

  /** Closes every cached channel (a channel still being read closes when its read ends). */
  @Override
  public void close() {
    List<Handle> toClose = new ArrayList<>();
    synchronized (this) {
      closed = true;
      for (Handle handle : open.values()) {
        retireLocked(handle, toClose);
      }
      open.clear();
    }
    closeAll(toClose);
  }

  private static void retireLocked(Handle handle, List<Handle> toClose) {
    if (handle == null || handle.retired) {
      return;
    }
    handle.retired = true;
    if (handle.refs == 0) {
      toClose.add(handle);
    }
  }

  private static void closeAll(List<Handle> handles) {
    for (Handle handle : handles) {
      closeQuietly(handle);
    }
  }

  private static void closeQuietly(Handle handle) {
    try {
      handle.channel.close();
    } catch (IOException e) {
      // A read-only channel has nothing to flush: a failed close loses nothing.
    }
  }
}
