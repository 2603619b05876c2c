package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.DbClosedException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The reference store: a sorted map in memory, thread-safe and linearizable. Every operation takes
 * effect before its (already completed) future is returned. Used by tests, as the base of the fault
 * injecting stores, and for {@code memory:} URIs.
 */
public final class InMemoryObjectStore implements ObjectStore {
  private record Stored(byte[] data, ObjectMeta meta) {}

  private final ConcurrentSkipListMap<String, Stored> objects =
      new ConcurrentSkipListMap<>(ObjectKeys.ORDER);
  private final AtomicLong versions = new AtomicLong();
  private final Clock clock;
  private final long uploadPartSize;
  private volatile boolean closed;

  public InMemoryObjectStore() {
    this(Clock.systemUTC());
  }

  /** Uses {@code clock} for {@link ObjectMeta#lastModified()}, so tests can control time. */
  public InMemoryObjectStore(Clock clock) {
    this(clock, MultipartUpload.DEFAULT_PART_SIZE);
  }

  /**
   * As {@link #InMemoryObjectStore(Clock)}, with uploads in parts of {@code uploadPartSize} bytes,
   * so that tests see many parts of small objects.
   */
  public InMemoryObjectStore(Clock clock, long uploadPartSize) {
    this.clock = requireNonNull(clock, "clock is null");
    if (uploadPartSize < 1) {
      throw new IllegalArgumentException("uploadPartSize is not positive: " + uploadPartSize);
    }
    this.uploadPartSize = uploadPartSize;
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    return run(() -> doPut(ObjectKeys.validate(key), copy(data), condition));
  }

  private ObjectMeta doPut(String key, byte[] bytes, PutCondition condition) {
    requireNonNull(condition, "condition is null");
    // compute() is atomic per key, which makes conditional puts linearizable.
    ObjectMeta[] result = new ObjectMeta[1];
    objects.compute(
        key,
        (k, current) -> {
          if (condition instanceof PutCondition.IfAbsent && current != null) {
            throw new PreconditionFailedException(key, condition);
          }
          if (condition instanceof PutCondition.IfMatch match) {
            if (current == null) {
              throw new ObjectNotFoundException(key);
            }
            if (!current.meta().version().equals(match.version())) {
              throw new PreconditionFailedException(key, condition);
            }
          }
          ObjectMeta meta =
              new ObjectMeta(key, bytes.length, "v" + versions.incrementAndGet(), clock.instant());
          result[0] = meta;
          return new Stored(bytes, meta);
        });
    return result[0];
  }

  @Override
  public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
    requireNonNull(range, "range is null");
    return run(() -> RangeSlicer.slice(find(key), range));
  }

  @Override
  public CompletableFuture<ObjectMeta> head(String key) {
    return run(() -> find(key).meta());
  }

  private RangeSlicer.Source find(String key) {
    Stored stored = objects.get(ObjectKeys.validate(key));
    if (stored == null) {
      throw new ObjectNotFoundException(key);
    }
    return new RangeSlicer.Source(stored.meta(), stored.data());
  }

  @Override
  public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
    return run(
        () -> {
          ObjectKeys.validatePrefix(prefix);
          Map<String, Stored> tail =
              startAfter == null
                  ? objects.tailMap(prefix, true)
                  : objects.tailMap(startAfter, false);
          List<ObjectMeta> out = new ArrayList<>();
          for (Map.Entry<String, Stored> e : tail.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
              out.add(e.getValue().meta());
            } else if (ObjectKeys.ORDER.compare(e.getKey(), prefix) > 0) {
              break;
            }
          }
          return out;
        });
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return run(
        () -> {
          objects.remove(ObjectKeys.validate(key));
          return null;
        });
  }

  /**
   * The parts are collected in memory and the object put whole at completion, which is what this
   * store does with every object anyway.
   */
  @Override
  public MultipartUpload multipartUpload(String key) {
    return MultipartUpload.intercepted(
        new BufferedMultipartUpload(this, key, uploadPartSize), this::unlessClosed);
  }

  private <T> CompletableFuture<T> unlessClosed(
      MultipartUpload.Request request, Supplier<CompletableFuture<T>> send) {
    // An abort only drops memory: allowed after close, as it is harmless.
    if (closed && request.kind() != MultipartUpload.Kind.ABORT) {
      return CompletableFuture.failedFuture(new DbClosedException("object store"));
    }
    return send.get();
  }

  @Override
  public void close() {
    closed = true;
  }

  private <T> CompletableFuture<T> run(Supplier<T> op) {
    try {
      if (closed) {
        throw new DbClosedException("object store");
      }
      return CompletableFuture.completedFuture(op.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static byte[] copy(ByteBuffer data) {
    requireNonNull(data, "data is null");
    byte[] bytes = new byte[data.remaining()];
    data.duplicate().get(bytes);
    return bytes;
  }
}
