package dev.shaledb.objectstore;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped per-key mutual exclusion across threads and processes. An OS file lock alone is not
 * enough: the JVM refuses a second lock on one file from the same process, so a JVM lock (shared by
 * every store instance on the same directory) is taken first.
 *
 * <p>Instances are keyed by the lock directory's real path: a directory reached by two names (a
 * symbolic link) must get one instance, or two JVM locks would guard one file lock, and the second
 * holder would get an {@link java.nio.channels.OverlappingFileLockException}.
 */
final class KeyLocks {
  private static final int STRIPES = 64;
  private static final ConcurrentHashMap<Path, KeyLocks> BY_DIRECTORY = new ConcurrentHashMap<>();

  private final Path dir;
  private final ReentrantLock[] jvmLocks = new ReentrantLock[STRIPES];

  private KeyLocks(Path dir) {
    this.dir = dir;
    for (int i = 0; i < STRIPES; i++) {
      jvmLocks[i] = new ReentrantLock();
    }
  }

  /** The locks of {@code lockDir}, an existing directory; symbolic links are resolved here. */
  static KeyLocks forDirectory(Path lockDir) throws IOException {
    return BY_DIRECTORY.computeIfAbsent(lockDir.toRealPath(), KeyLocks::new);
  }

  /** Work done while holding a key's lock. */
  interface Locked<T> {
    T run() throws IOException;
  }

  /** Runs {@code body} while no other thread or process holds {@code key}'s stripe. */
  <T> T withLock(String key, Locked<T> body) throws IOException {
    int stripe = Math.floorMod(key.hashCode(), STRIPES);
    ReentrantLock jvmLock = jvmLocks[stripe];
    jvmLock.lock();
    try (FileChannel channel =
        FileChannel.open(
            dir.resolve("stripe-" + stripe), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock fileLock = channel.lock();
      try {
        return body.run();
      } finally {
        fileLock.release();
      }
    } finally {
      jvmLock.unlock();
    }
  }
}
