package dev.shaledb.table;

import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectUpload;
import dev.shaledb.sst.BlockCache;
import dev.shaledb.sst.SstBuilder;
import dev.shaledb.sst.SstOptions;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * A table streamed to the object store while it is built: what its builder writes goes up in parts
 * ({@link ObjectUpload}), so building and uploading a table holds a few parts of it (at most {@code
 * (ObjectUpload.DEFAULT_PARTS_IN_FLIGHT + 1) x} the store's part size), never the whole table as
 * {@link SstBuilder#inMemory} does. Opened by {@link TableStore#openUpload}.
 *
 * <pre>{@code
 * try (TableUpload upload = tables.openUpload(id, true);
 *     SstBuilder builder = upload.builder(options)) {
 *   builder.add(...);
 *   TableInfo table = TableStore.describe(id, builder.finish());
 *   ObjectMeta meta = upload.complete().join(); // the table's object exists from here on
 * }
 * }</pre>
 *
 * <p>The upload is unconditional, like {@link TableStore#upload}, for the same reasons. The table
 * becomes visible only at {@link #complete()}, whole; {@link #close()} aborts an upload that was
 * not completed, so a build that fails leaves nothing (a process that dies mid-upload leaves an
 * incomplete S3 upload for the bucket's lifecycle rule: docs/s3.md).
 *
 * <p>A builder from {@link #builder} warms the block cache with the table's data blocks as they are
 * written, up to a quarter of the cache ({@link SstBuilder#fillingCache}): the streaming form of
 * {@link TableStore#warm}, which needs the whole table's bytes. One built on {@link #stream()}
 * directly warms nothing.
 *
 * <p>The stream's writes throw the store's unchecked exceptions ({@code ObjectStoreException} and
 * kin) when a part failed, and may block while the parts in flight are at their bound; the builder
 * then fails as with any other write failure. One thread builds, completes and closes.
 */
public final class TableUpload implements AutoCloseable {
  private final ObjectUpload upload;
  private final String id;
  private final BlockCache warm; // null: no cache to warm
  private final long warmBytes;
  private final OutputStream stream = new UploadStream();

  TableUpload(ObjectUpload upload, String id, BlockCache warm, long warmBytes) {
    this.upload = upload;
    this.id = id;
    this.warm = warm;
    this.warmBytes = warmBytes;
  }

  /** The table's id. */
  public String id() {
    return id;
  }

  /** The table's object key. */
  public String key() {
    return upload.key();
  }

  /**
   * Where the table's bytes go, for {@link SstBuilder#create}; closing it does nothing (the upload
   * ends with {@link #complete()} or {@link #close()}).
   */
  public OutputStream stream() {
    return stream;
  }

  /** A builder of this table that writes to {@link #stream()} and warms the block cache. */
  public SstBuilder builder(SstOptions options) {
    SstBuilder builder = SstBuilder.create(options, stream, id);
    return warm == null ? builder : builder.fillingCache(warm, key(), warmBytes);
  }

  /**
   * Publishes the table once its builder finished; completes with its object's metadata, or fails
   * as a put does (and may then still have published it, as a failed put may).
   */
  public CompletableFuture<ObjectMeta> complete() {
    return upload.complete();
  }

  /** Discards the table; nothing becomes visible. Idempotent; nothing after {@link #complete()}. */
  public CompletableFuture<Void> abort() {
    return upload.abort();
  }

  /** The most bytes of the table buffered at once so far (see {@link ObjectUpload}). */
  public long peakBufferBytes() {
    return upload.peakBufferBytes();
  }

  /** Aborts the upload unless it was completed. */
  @Override
  public void close() {
    upload.close();
  }

  private final class UploadStream extends OutputStream {
    @Override
    public void write(int b) {
      upload.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      upload.write(bytes, offset, length);
    }
  }
}
