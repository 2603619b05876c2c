package dev.shaledb.core;

import dev.shaledb.error.DbAlreadyOpenException;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.support.DbPaths;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The databases this process has open as a writer, by store instance (identity) and path, so that a
 * second {@code Db.open} of one fails at once instead of fencing the first (docs/engine.md, "One
 * writer per process"). A store reached through another instance (a decorator, a second {@code
 * ObjectStores.open}) is another key: then the second open fences the first, as another process
 * would.
 */
public final class OpenWriters {
  private static final Set<Key> OPEN = ConcurrentHashMap.newKeySet();

  /** A registration that {@link Registration#release()} ends; releasing twice is harmless. */
  public interface Registration {
    void release();
  }

  /** For an open that is not registered: tests simulating several processes. */
  public static final Registration NONE = () -> {};

  private OpenWriters() {}

  /**
   * Registers the writer of {@code path} on {@code store}.
   *
   * @throws DbAlreadyOpenException if this process has it open already
   */
  public static Registration register(ObjectStore store, String path) {
    Key key = new Key(store, path);
    if (!OPEN.add(key)) {
      throw new DbAlreadyOpenException(
          "the database at "
              + DbPaths.describe(path)
              + " of store "
              + store
              + " is already open for writing in this process; a second writer would fence the"
              + " first. Close the first Db before opening it again, or read alongside it with a"
              + " DbReader (tests that simulate several processes: DbOptions.builder()"
              + ".allowInProcessTakeover(true))");
    }
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        OPEN.remove(key);
      }
    };
  }

  /** A store instance and a path; stores compare by identity whatever their equals says. */
  private record Key(ObjectStore store, String path) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.store == store && k.path.equals(path);
    }

    @Override
    public int hashCode() {
      return 31 * System.identityHashCode(store) + path.hashCode();
    }
  }
}
