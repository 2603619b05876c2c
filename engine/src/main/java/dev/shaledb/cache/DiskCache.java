package dev.shaledb.cache;

import static java.util.Objects.requireNonNull;

import dev.shaledb.support.Threads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache of immutable object byte ranges in a local directory, below the memory block cache
 * (docs/engine.md, "Caches"). A range is named by (object key, offset, length), which names the
 * same bytes forever because table objects are immutable and their keys never reused.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li><b>Never data it cannot prove.</b> Every entry read is checked against its own header
 *       (object key, offset, length) and CRC32C ({@link CacheEntry}); a damaged, truncated, swapped
 *       or missing entry is a miss, counted, dropped from the index and fetched from the store.
 *       Bytes are admitted only if the caller's check (the table's own block checksums) accepts
 *       them, so a damaged store reply is never kept.
 *   <li><b>Never the durable copy.</b> Deleting the directory at any moment loses nothing: reads
 *       fall back to the store and writes start new segments.
 *   <li><b>Bounded.</b> Entries go into append-only segments of {@code maxBytes / 8}; before a new
 *       segment starts, the oldest ones are deleted until it fits in {@code maxBytes}. A restart
 *       reads each sealed segment's index, not its bytes ({@link Segment}).
 *   <li><b>Scan-resistant.</b> A range is admitted on its second miss ({@link Admission}).
 *   <li><b>Off the read path.</b> Writes run on one thread behind a bounded queue; a full queue
 *       drops the write (counted), it never blocks a read. Concurrent misses of one range share one
 *       fetch.
 * </ul>
 *
 * <p>One process uses a directory at a time (an OS file lock). Thread-safe; {@link #close()} is
 * idempotent and leaves the directory ready to be reopened warm.
 */
public final class DiskCache implements AutoCloseable {
  /** The smallest budget: eight segments of at least 512 KiB. */
  public static final long MIN_BYTES = 4L << 20;

  private static final long MAX_SEGMENT_BYTES = 64L << 20;
  private static final int WRITE_QUEUE = 256;
  private static final Logger LOG = LoggerFactory.getLogger(DiskCache.class);

  private record Range(String objectKey, long offset, int length) {}

  private record Loc(Segment segment, long position, int length) {}

  /** Counters of a disk cache since it was opened. */
  public record Stats(
      long hits, long misses, long bytes, long damaged, long writes, long droppedWrites) {}

  private final Path dir;
  private final long maxBytes;
  private final int segmentBytes;
  private final FileChannel lockFile;
  private final FileLock lock;
  private final ConcurrentHashMap<String, ConcurrentHashMap<Long, Loc>> index =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Range, CompletableFuture<byte[]>> inflight =
      new ConcurrentHashMap<>();
  private final Admission admission = new Admission(1 << 16);
  private final ThreadPoolExecutor writer;
  private final AtomicInteger pendingWrites = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong bytes = new AtomicLong();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder damaged = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder droppedWrites = new LongAdder();
  private final AtomicBoolean warnedWriteFailure = new AtomicBoolean();

  // The writer thread's own state (and close(), after the writer stopped).
  private final ArrayDeque<Segment> sealed = new ArrayDeque<>();
  private Segment active;
  private long nextId;

  private DiskCache(Path dir, long maxBytes, FileChannel lockFile, FileLock lock) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = (int) Math.min(MAX_SEGMENT_BYTES, maxBytes / 8);
    this.lockFile = lockFile;
    this.lock = lock;
    this.writer =
        new ThreadPoolExecutor(
            1,
            1,
            5,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(WRITE_QUEUE),
            Threads.daemon("disk-cache"),
            (task, executor) -> { // a full queue drops the write; the read never waits
              droppedWrites.increment();
              pendingWrites.decrementAndGet();
            });
    // An idle cache holds no thread, so one never closed (a process killed in a test) leaks none.
    writer.allowCoreThreadTimeOut(true);
  }

  /**
   * Checks the disk cache options of {@code DbOptions} and {@code DbReaderOptions}: off is (null,
   * 0); on is a directory and a budget of at least {@link #MIN_BYTES}.
   */
  public static void checkOptions(Path directory, long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("diskCacheBytes is negative: " + bytes);
    }
    if (directory == null && bytes != 0) {
      throw new IllegalArgumentException(
          "diskCacheBytes is " + bytes + " but diskCacheDirectory is null");
    }
    if (directory != null && bytes < MIN_BYTES) {
      throw new IllegalArgumentException(
          "diskCacheBytes "
              + bytes
              + " is below the minimum of "
              + MIN_BYTES
              + " for a disk cache in "
              + directory);
    }
  }

  /**
   * Opens the cache in {@code dir} (created if absent) with a budget of {@code maxBytes}, taking
   * back what a previous process left there.
   *
   * @throws IllegalArgumentException if {@code maxBytes} is below {@link #MIN_BYTES}, or {@code
   *     dir} cannot be a directory or is in use by another process
   */
  public static DiskCache open(Path dir, long maxBytes) {
    requireNonNull(dir, "dir is null");
    if (maxBytes < MIN_BYTES) {
      throw new IllegalArgumentException(
          "disk cache budget " + maxBytes + " is below the minimum " + MIN_BYTES);
    }
    FileChannel lockFile = null;
    try {
      Files.createDirectories(dir);
      lockFile =
          FileChannel.open(
              dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = lockFile.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new IllegalArgumentException("disk cache directory " + dir + " is in use");
      }
      DiskCache cache = new DiskCache(dir, maxBytes, lockFile, lock);
      cache.recover();
      return cache;
    } catch (IOException e) {
      closeQuietly(lockFile);
      throw new IllegalArgumentException(
          "disk cache directory " + dir + " cannot be used: " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(lockFile);
      throw e;
    }
  }

  /** Takes back the segments a previous process left, deleting what is not a usable segment. */
  private void recover() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.sorted().toList();
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      long id = Segment.idOf(name);
      if (id >= 0) {
        try {
          Segment s = Segment.recover(dir, id, segmentBytes);
          sealed.addLast(s);
          bytes.addAndGet(s.size());
          for (Segment.Entry e : s.entries()) {
            publish(s, e);
          }
        } catch (IOException e) {
          LOG.warn("disk cache {}: dropping unreadable segment {}: {}", dir, name, e.toString());
          Files.deleteIfExists(Segment.dataPath(dir, id));
          Files.deleteIfExists(Segment.indexPath(dir, id));
        }
        nextId = Math.max(nextId, id + 1);
      } else if (name.endsWith(".tmp")
          || (name.endsWith(".idx")
              && !Files.exists(f.resolveSibling(name.replace(".idx", ".dat"))))) {
        Files.deleteIfExists(f);
      }
    }
    evictFor(segmentBytes);
  }

  /**
   * Bytes {@code [offset, offset + length)} of {@code objectKey}: from the disk if an intact entry
   * holds them, else from {@code fetch}, which concurrent misses of the same range share. Bytes
   * fetched are admitted on a second miss, in the background, if {@code intact} accepts them.
   * Failures of the fetch complete the future exceptionally, unchanged.
   */
  public CompletableFuture<byte[]> read(
      String objectKey,
      long offset,
      int length,
      Supplier<CompletableFuture<byte[]>> fetch,
      Predicate<byte[]> intact) {
    byte[] cached = lookup(objectKey, offset, length);
    if (cached != null) {
      hits.increment();
      return CompletableFuture.completedFuture(cached);
    }
    Range range = new Range(objectKey, offset, length);
    CompletableFuture<byte[]> promise = new CompletableFuture<>();
    CompletableFuture<byte[]> leader = inflight.putIfAbsent(range, promise);
    // Counted once the miss has joined or started the fetch: a miss counted is one that shares
    // the fetch in flight, if there is one (DiskCacheRaceTest relies on it).
    misses.increment();
    if (leader != null) {
      return leader.thenApply(byte[]::clone); // each caller owns its array
    }
    CompletableFuture<byte[]> fetched;
    try {
      fetched = fetch.get();
    } catch (RuntimeException e) {
      fetched = CompletableFuture.failedFuture(e);
    }
    fetched.whenComplete(
        (data, failure) -> {
          inflight.remove(range, promise);
          if (failure != null) {
            promise.completeExceptionally(failure);
            return;
          }
          if (data.length == length && admission.admit(Admission.hash(objectKey, offset, length))) {
            submit(range, data.clone(), intact);
          }
          promise.complete(data);
        });
    return promise;
  }

  private byte[] lookup(String objectKey, long offset, int length) {
    ConcurrentHashMap<Long, Loc> ranges = index.get(objectKey);
    Loc loc = ranges == null ? null : ranges.get(offset);
    if (loc == null || loc.length() != length) {
      return null;
    }
    byte[] key = CacheEntry.keyBytes(objectKey);
    byte[] data;
    try {
      byte[] stored = loc.segment().read(loc.position(), CacheEntry.size(key.length, length));
      data = CacheEntry.decode(stored, key, offset, length);
    } catch (IOException e) { // deleted or evicted under us
      data = null;
    }
    if (data == null) {
      damaged.increment();
      ranges.remove(offset, loc);
    }
    return data;
  }

  private void submit(Range range, byte[] data, Predicate<byte[]> intact) {
    if (closed.get()) {
      return;
    }
    pendingWrites.incrementAndGet();
    writer.execute(
        () -> {
          try {
            if (!closed.get() && intact.test(data)) {
              write(range, data);
            }
          } catch (IOException | RuntimeException e) {
            if (warnedWriteFailure.compareAndSet(false, true)) {
              LOG.warn(
                  "disk cache {}: a write failed, the range stays uncached: {}", dir, e.toString());
            } else {
              LOG.debug("disk cache {}: a write failed", dir, e);
            }
          } finally {
            pendingWrites.decrementAndGet();
          }
        });
  }

  private void write(Range range, byte[] data) throws IOException {
    ConcurrentHashMap<Long, Loc> ranges = index.get(range.objectKey());
    if (ranges != null && ranges.containsKey(range.offset())) {
      return;
    }
    byte[] key = CacheEntry.keyBytes(range.objectKey());
    if (key.length > 0xFFFF || CacheEntry.size(key.length, data.length) > segmentBytes) {
      return;
    }
    var encoded = CacheEntry.encode(key, range.offset(), data);
    if (active == null || active.size() + encoded.remaining() > segmentBytes) {
      roll();
    }
    int size = encoded.remaining();
    Segment.Entry e = active.append(range.objectKey(), range.offset(), data.length, encoded);
    bytes.addAndGet(size);
    writes.increment();
    publish(active, e);
  }

  private void publish(Segment s, Segment.Entry e) {
    index
        .computeIfAbsent(e.objectKey(), k -> new ConcurrentHashMap<>())
        .put(e.offset(), new Loc(s, e.position(), e.length()));
  }

  /** Seals the active segment and starts a new one, evicting the oldest to make room. */
  private void roll() throws IOException {
    if (active != null) {
      Segment full = active;
      active = null;
      sealed.addLast(full);
      full.seal();
    }
    evictFor(segmentBytes);
    try {
      active = Segment.create(dir, nextId++);
    } catch (java.nio.file.NoSuchFileException e) { // the directory was deleted: start afresh
      Files.createDirectories(dir);
      active = Segment.create(dir, nextId++);
    }
  }

  /** Deletes the oldest segments until {@code room} more bytes fit in the budget. */
  private void evictFor(long room) throws IOException {
    while (!sealed.isEmpty() && bytes.get() + room > maxBytes) {
      Segment oldest = sealed.removeFirst();
      for (Segment.Entry e : oldest.entries()) {
        ConcurrentHashMap<Long, Loc> ranges = index.get(e.objectKey());
        if (ranges != null) {
          ranges.remove(e.offset(), new Loc(oldest, e.position(), e.length()));
        }
        index.computeIfPresent(e.objectKey(), (k, m) -> m.isEmpty() ? null : m);
      }
      bytes.addAndGet(-oldest.size());
      oldest.delete();
    }
  }

  /**
   * Forgets every range of {@code objectKeys} (tables compaction or garbage collection removed);
   * their bytes are reclaimed when their segments are evicted.
   */
  public void invalidate(Collection<String> objectKeys) {
    for (String k : objectKeys) {
      index.remove(k);
    }
  }

  /** Waits until the writes queued so far are done (for tests and benchmarks). */
  public void awaitWrites() {
    while (pendingWrites.get() > 0 && !closed.get()) {
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  public Stats stats() {
    return new Stats(
        hits.sum(), misses.sum(), bytes.get(), damaged.sum(), writes.sum(), droppedWrites.sum());
  }

  public Path directory() {
    return dir;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** Stops the writer, seals the active segment so a restart need not scan it, and unlocks. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    writer.shutdown();
    try {
      if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("disk cache {}: writer did not stop in 10 s", dir);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (active != null) {
        active.seal();
      }
    } catch (IOException e) {
      LOG.debug("disk cache {}: sealing on close failed; a restart scans the segment", dir, e);
    }
    if (active != null) {
      active.close();
    }
    sealed.forEach(Segment::close);
    try {
      lock.release();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      closeQuietly(lockFile);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // closing a lock file that failed to be used: nothing else to do
      }
    }
  }
}
