package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.DbClosedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * An object store in a local directory: the embedded default for demos and benchmarks, and a store
 * that several processes on one machine may share.
 *
 * <p>How the contract is met:
 *
 * <ul>
 *   <li>Atomic, durable puts: bytes go to a temporary file that is fsynced, then renamed over the
 *       key's file (or hard-linked, for {@code ifAbsent}), then the directory is fsynced. Every
 *       directory the store creates is fsynced into its parent before a put into it returns.
 *   <li>{@code ifAbsent} across processes: {@link Files#createLink} fails atomically if the name
 *       exists, so exactly one creator wins without any lock.
 *   <li>{@code ifMatch}, unconditional puts and deletes serialize per key with a striped lock that
 *       is both a JVM lock and an OS file lock, so a compare-and-swap in one process cannot
 *       interleave with a write in another. The locks belong to the root's real path, so stores
 *       that reached one directory by different paths (symbolic links) share them.
 *   <li>Versions identify the file (inode, modification time and size), so every put changes them.
 *       A put reports the metadata of the file it wrote, even if another writer has replaced or
 *       deleted the key by the time it returns.
 *   <li>Ranged reads are positional reads on open channels, kept in a {@link ChannelCache} of at
 *       most {@link #DEFAULT_OPEN_FILES}, so a read costs one attribute read and one {@code
 *       pread(2)} instead of an open, two attribute reads and a close. A cached channel serves a
 *       read only if the attributes just read from the key's path (file key, modification time,
 *       size: its version) name the channel's file, so an object replaced or deleted by any process
 *       is never read from its old file, and the metadata returned is that of the file the bytes
 *       came from. Puts and deletes through this store drop the key's channel at once; a file
 *       another process deleted stays open (its space held) until a read of its key finds it gone
 *       or the channel is evicted.
 *   <li>A ranged read of at most {@link #INLINE_READ_BYTES} runs on the calling thread and returns
 *       a completed future: from the page cache its {@code stat} and {@code pread} take a few
 *       microseconds, less than handing it to the pool and waking a thread (measured in
 *       docs/benchmarks.md), and the engine's point reads wait for such a read anyway. Larger
 *       reads, whole objects, and all writes, heads, lists and deletes go to the pool.
 *   <li>Uploads ({@link #upload}) write their parts into one temporary file, each at its place, and
 *       publish it at completion as an unconditional put does; an abort deletes it ({@link
 *       LocalMultipartUpload}).
 *   <li>Opening the store deletes temporary files older than {@link #STALE_TEMP_AGE}, which a
 *       killed process left behind.
 *   <li>Every call's future completes: normally, or exceptionally, with {@link DbClosedException}
 *       when the call came at or after {@link #close()}.
 * </ul>
 *
 * <p>Keys map to paths by {@link LocalPaths}; its escaping keeps files, directories and the store's
 * own {@code %tmp} and {@code %locks} folders from colliding.
 */
public final class LocalFileObjectStore implements ObjectStore {
  private static final int DEFAULT_THREADS = 8;

  /**
   * Channels kept open for reads: enough for the tables a database reads from at once, far below
   * the usual descriptor limit of 1,024.
   */
  static final int DEFAULT_OPEN_FILES = 256;

  /**
   * A temporary file not written for this long belongs to a writer that died: a live put writes,
   * fsyncs and renames its file within seconds.
   */
  static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

  /** Ranged reads up to this many bytes run on the calling thread: a few data blocks. */
  static final int INLINE_READ_BYTES = 64 * 1024;

  private final LocalPaths paths;
  private final KeyLocks locks;
  private final ChannelCache channels;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final long uploadPartSize;
  private volatile boolean closed;

  /** A store rooted at {@code root} (created if missing) with its own bounded I/O thread pool. */
  public LocalFileObjectStore(Path root) {
    this(root, null);
  }

  /**
   * A store rooted at {@code root} that runs blocking file I/O on {@code executor}, which it does
   * not shut down; null for an owned bounded pool.
   */
  public LocalFileObjectStore(Path root, Executor executor) {
    this(root, executor, LocalPaths::fsyncDirectory, DEFAULT_OPEN_FILES);
  }

  /**
   * As {@link #LocalFileObjectStore(Path, Executor)}, with {@code sync} making directory entries
   * durable (tests observe it; the public constructors fsync) and at most {@code openFiles}
   * channels cached for reads (0: every read opens its file).
   */
  LocalFileObjectStore(Path root, Executor executor, LocalPaths.DirectorySync sync, int openFiles) {
    this(root, executor, sync, openFiles, MultipartUpload.DEFAULT_PART_SIZE);
  }

  /** As above, with uploads in parts of {@code uploadPartSize} bytes (tests use small ones). */
  LocalFileObjectStore(
      Path root,
      Executor executor,
      LocalPaths.DirectorySync sync,
      int openFiles,
      long uploadPartSize) {
    requireNonNull(root, "root is null");
    requireNonNull(sync, "sync is null");
    if (uploadPartSize < 1) {
      throw new IllegalArgumentException("uploadPartSize is not positive: " + uploadPartSize);
    }
    this.uploadPartSize = uploadPartSize;
    this.channels = new ChannelCache(openFiles);
    try {
      LocalPaths.createDirectories(root, sync);
      // One directory has one real path, however it was reached (symbolic links, "..", relative
      // paths): the key locks of every store on it must be the same locks.
      this.paths = new LocalPaths(root.toRealPath(), sync);
      LocalPaths.createDirectories(paths.tempDir(), sync);
      LocalPaths.createDirectories(paths.lockDir(), sync);
      paths.removeTempFilesOlderThan(Instant.now().minus(STALE_TEMP_AGE));
      this.locks = KeyLocks.forDirectory(paths.lockDir());
    } catch (IOException e) {
      throw new ObjectStoreException("cannot open store directory " + root + ": " + e, false, e);
    }
    if (executor == null) {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              DEFAULT_THREADS,
              DEFAULT_THREADS,
              30,
              TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(4096),
              runnable -> {
                Thread thread = new Thread(runnable, "shaledb-local-store");
                thread.setDaemon(true);
                return thread;
              },
              LocalFileObjectStore::runInCallerUnlessShutDown);
      pool.allowCoreThreadTimeOut(true);
      this.ownedExecutor = pool;
      this.executor = pool;
    } else {
      this.ownedExecutor = null;
      this.executor = executor;
    }
  }

  /**
   * A full queue makes the caller do the I/O itself: backpressure, not unbounded memory. After
   * shutdown the task is refused with an exception, never dropped: {@link
   * ThreadPoolExecutor.CallerRunsPolicy} silently discards it then, and the future of a call that
   * raced {@link #close()} would never complete.
   */
  private static void runInCallerUnlessShutDown(Runnable task, ThreadPoolExecutor pool) {
    if (pool.isShutdown()) {
      throw new RejectedExecutionException("the store's I/O pool is shut down");
    }
    task.run();
  }

  /** The store's directory: the real path (symbolic links resolved) of the root it was given. */
  public Path root() {
    return paths.root();
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    ObjectKeys.validate(key);
    requireNonNull(data, "data is null");
    requireNonNull(condition, "condition is null");
    ByteBuffer bytes = data.duplicate();
    return submit(() -> doPut(key, bytes, condition));
  }

  private ObjectMeta doPut(String key, ByteBuffer data, PutCondition condition) throws IOException {
    Path temp = writeTemp(data);
    try {
      return publish(key, temp, condition);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Publishes the written and fsynced file {@code temp} as the object {@code key} if {@code
   * condition} holds; the caller deletes {@code temp} afterwards (after a rename it is gone, after
   * a link it is a second name).
   */
  ObjectMeta publish(String key, Path temp, PutCondition condition) throws IOException {
    Path target = paths.objectPath(key);
    // The new object's metadata is read from its own file before it is published (a link or
    // rename keeps the inode, its modification time and size): once published, another writer
    // may replace or delete the key before this put returns, and the put must still report its
    // own object.
    ObjectMeta meta;
    try {
      meta = LocalMeta.read(key, temp);
    } catch (ObjectNotFoundException e) {
      throw new NoSuchFileException(temp.toString(), null, "temporary file removed");
    }
    paths.ensureDirectory(target.getParent());
    if (condition instanceof PutCondition.IfAbsent) {
      try {
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        throw new PreconditionFailedException(key, condition);
      }
    } else {
      locks.withLock(
          key,
          () -> {
            if (condition instanceof PutCondition.IfMatch match) {
              String current = LocalMeta.read(key, target).version();
              if (!current.equals(match.version())) {
                throw new PreconditionFailedException(key, condition);
              }
            }
            return Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
          });
    }
    // The key's old file, if this store had it open, is no reader's any more.
    channels.invalidate(key);
    paths.sync(target.getParent());
    return meta;
  }

  /**
   * Parts go into a temporary file at their places and the file is published as a put's is: see
   * {@link LocalMultipartUpload}.
   */
  @Override
  public MultipartUpload multipartUpload(String key) {
    return new LocalMultipartUpload(this, key, uploadPartSize, newTempPath());
  }

  private Path newTempPath() {
    return paths.tempDir().resolve(UUID.randomUUID() + ".tmp");
  }

  private Path writeTemp(ByteBuffer data) throws IOException {
    Path temp = newTempPath();
    try (FileChannel channel =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      while (data.hasRemaining()) {
        channel.write(data);
      }
      channel.force(true);
    }
    return temp;
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    ObjectKeys.validate(key);
    requireNonNull(range, "range is null");
    IoTask<ObjectContent> read =
        () -> LocalMeta.readContent(key, paths.objectPath(key), range, channels);
    return isSmall(range) ? runHere(read) : submit(read);
  }

  private static boolean isSmall(ByteRange range) {
    if (range instanceof ByteRange.Bounded bounded) {
      return bounded.length() <= INLINE_READ_BYTES;
    }
    return range instanceof ByteRange.Suffix suffix && suffix.length() <= INLINE_READ_BYTES;
  }

  @Override
  public CompletableFuture<ObjectMeta> head(String key) {
    ObjectKeys.validate(key);
    return submit(() -> LocalMeta.read(key, paths.objectPath(key)));
  }

  @Override
  public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
    ObjectKeys.validatePrefix(prefix);
    return submit(() -> paths.list(prefix, startAfter));
  }

  /** Objects and other files alike, walking no further than {@code maxEntries} entries. */
  @Override
  public CompletableFuture<List<String>> listSome(String prefix, int maxEntries) {
    ObjectKeys.validatePrefix(prefix);
    ObjectKeys.requirePositiveMax(maxEntries);
    return submit(() -> paths.listSome(prefix, maxEntries));
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    ObjectKeys.validate(key);
    return submit(
        () -> {
          Path target = paths.objectPath(key);
          return locks.withLock(
              key,
              () -> {
                try {
                  if (Files.deleteIfExists(target)) {
                    paths.sync(target.getParent());
                  }
                } catch (NoSuchFileException e) {
                  // the key's directory does not exist, so neither does the key
                }
                // An open channel would keep the file's space (also if another process deleted it).
                channels.invalidate(key);
                return null;
              });
        });
  }

  @Override
  public void close() {
    closed = true;
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
    // A read still running keeps its channel until it ends; later reads open and close their own.
    channels.close();
  }

  /** How many read channels are cached; for tests. */
  int openChannels() {
    return channels.size();
  }

  /** The temporary folder, where puts and uploads write before they publish; for tests. */
  Path tempDir() {
    return paths.tempDir();
  }

  /** Blocking I/O that may throw, run on the store's executor. */
  interface IoTask<T> {
    T run() throws IOException;
  }

  private <T> Supplier<T> supplier(IoTask<T> task) {
    return () -> {
      try {
        return task.run();
      } catch (IOException e) {
        throw new ObjectStoreException("I/O error in " + paths.root() + ": " + e, true, e);
      } catch (UncheckedIOException e) {
        throw new ObjectStoreException(
            "I/O error in " + paths.root() + ": " + e.getCause(), true, e.getCause());
      }
    };
  }

  /** Runs {@code task} on the calling thread; its failure completes the future, as on the pool. */
  private <T> CompletableFuture<T> runHere(IoTask<T> task) {
    if (closed) {
      return CompletableFuture.failedFuture(new DbClosedException("object store " + paths.root()));
    }
    try {
      return CompletableFuture.completedFuture(supplier(task).get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  <T> CompletableFuture<T> submit(IoTask<T> task) {
    if (closed) {
      return CompletableFuture.failedFuture(new DbClosedException("object store " + paths.root()));
    }
    Supplier<T> supplier = supplier(task);
    try {
      return CompletableFuture.supplyAsync(supplier, executor);
    } catch (RejectedExecutionException e) {
      // The owned pool refuses only once shut down, that is after close() (which a call may race
      // past the check above). A caller's executor may refuse while the store is open: that is
      // its own failure, not a closed store.
      if (closed || ownedExecutor != null) {
        return CompletableFuture.failedFuture(
            new DbClosedException("object store " + paths.root()));
      }
      return CompletableFuture.failedFuture(
          new ObjectStoreException(
              "the I/O executor of " + paths.root() + " refused the call: " + e, false, e));
    }
  }

  /** {@code file:<root>}: the directory names the store, whichever instance opened it. */
  @Override
  public String toString() {
    return "file:" + paths.root();
  }
}
