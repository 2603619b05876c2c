package dev.shaledb.table;

import dev.shaledb.error.SnapshotTooOldException;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.sst.RangeReader;
import java.util.concurrent.CompletableFuture;

/**
 * Byte ranges of one table object, read with ranged GETs. A missing table becomes {@link
 * SnapshotTooOldException}: table ids are never reused and a listed table is never deleted while
 * its version is live, so a missing table means the read works from a version garbage collection
 * has moved past.
 *
 * <p>The suffix read that opens the table may have been started already ({@link #startTail}), so
 * that many tables open with their GETs in flight together.
 */
class StoreRangeReader implements RangeReader {
  final ObjectStore store;
  final String key;
  private CompletableFuture<ObjectContent> tail; // started early, taken by the first readTail
  private int tailLength;

  StoreRangeReader(ObjectStore store, String key) {
    this.store = store;
    this.key = key;
  }

  /** Starts the suffix read of {@code length} bytes that {@link #readTail} will ask for. */
  StoreRangeReader startTail(int length) {
    tail = store.get(key, ByteRange.suffix(length));
    tailLength = length;
    return this;
  }

  @Override
  public byte[] read(long offset, int length) {
    return content(store.get(key, ByteRange.of(offset, length))).data();
  }

  @Override
  public CompletableFuture<byte[]> readAsync(long offset, int length) {
    return storeReadAsync(offset, length);
  }

  final CompletableFuture<byte[]> storeReadAsync(long offset, int length) {
    return store
        .get(key, ByteRange.of(offset, length))
        .handle(
            (content, failure) -> {
              if (failure != null) {
                RuntimeException e = Futures.unwrap(failure);
                throw e instanceof ObjectNotFoundException gone ? tableGone(gone) : e;
              }
              return content.data();
            });
  }

  @Override
  public Tail readTail(int length) {
    CompletableFuture<ObjectContent> started = tail;
    tail = null;
    ObjectContent content =
        content(
            started != null && tailLength == length
                ? started
                : store.get(key, ByteRange.suffix(length)));
    return new Tail(content.meta().size(), content.data());
  }

  private ObjectContent content(CompletableFuture<ObjectContent> read) {
    try {
      return Futures.join(read);
    } catch (ObjectNotFoundException gone) {
      throw tableGone(gone);
    }
  }

  private SnapshotTooOldException tableGone(ObjectNotFoundException gone) {
    return new SnapshotTooOldException(
        "table '"
            + key
            + "' was deleted by garbage collection: the read works from a manifest version"
            + " superseded more than GcOptions.minAge ago",
        gone);
  }
}
