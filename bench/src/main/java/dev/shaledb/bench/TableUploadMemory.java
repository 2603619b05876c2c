package dev.shaledb.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.objectstore.MultipartUpload;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.objectstore.RequestType;
import dev.shaledb.objectstore.UploadParts;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.SstBuilder;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstInfo;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.table.TableStore;
import dev.shaledb.table.TableUpload;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The heap a large table holds while it is built and uploaded, streamed ({@link
 * TableStore#openUpload}) or in memory ({@link SstBuilder#inMemory}, then one put): {@code
 * table-upload [--mode streamed|in-memory] [--mib 256] [--part-mib 8] [--part-millis 100]}.
 *
 * <p>The store keeps nothing, as S3 keeps nothing in this process: a put or a part is counted and
 * dropped once it completes, a part after {@code --part-millis} (a part's transfer time), so the
 * bound on parts in flight is reached. The table holds incompressible 1 KiB values. Prints the
 * table size, the most live heap after any GC during the run (read from the GC notifications: what
 * the run held, garbage excluded), the upload's own buffer peak, and the requests. The heap this
 * mode needs shows best with a small {@code -Xmx}: the in-memory mode of a 256 MiB table fails
 * where the streamed one fits.
 */
final class TableUploadMemory {
  private TableUploadMemory() {}

  public static void main(String[] args) throws Exception {
    String mode = "streamed";
    long mib = 256;
    long partMib = 8;
    long partMillis = 100;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--mode" -> mode = args[++i];
        case "--mib" -> mib = Long.parseLong(args[++i]);
        case "--part-mib" -> partMib = Long.parseLong(args[++i]);
        case "--part-millis" -> partMillis = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
      }
    }
    if (!mode.equals("streamed") && !mode.equals("in-memory")) {
      throw new IllegalArgumentException("--mode is streamed or in-memory, not " + mode);
    }
    ScheduledExecutorService network = Executors.newScheduledThreadPool(4);
    AtomicLong peakLive = watchLiveHeap();
    System.gc();
    Thread.sleep(500); // GC notifications arrive on their own thread
    long baseline = peakLive.getAndSet(0);
    try (MeteredObjectStore store =
        new MeteredObjectStore(new Sink(partMib << 20, partMillis, network))) {
      TableStore tables = new TableStore(store, "db", null, CorruptionReporter.NONE);
      long start = System.nanoTime();
      long size;
      long buffered = -1;
      if (mode.equals("streamed")) {
        try (TableUpload upload = tables.openUpload("t1", true);
            SstBuilder builder = upload.builder(SstOptions.defaults())) {
          size = fill(builder, mib << 20).size();
          upload.complete().join();
          buffered = upload.peakBufferBytes();
        }
      } else {
        try (SstBuilder builder = SstBuilder.inMemory(SstOptions.defaults(), "t1")) {
          size = fill(builder, mib << 20).size();
          tables.upload("t1", builder.bytes());
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Thread.sleep(500);
      ObjectStoreMetrics metrics = store.snapshot();
      System.out.printf(
          "%s: table %.1f MiB in %.1f s; peak live heap %.1f MiB (%.1f MiB before the run);"
              + " upload buffers peak %s; PUT requests %d, %.1f MiB uploaded%n",
          mode,
          size / 1048576.0,
          seconds,
          peakLive.get() / 1048576.0,
          baseline / 1048576.0,
          buffered < 0 ? "n/a (one put of the whole table)" : fmt(buffered),
          metrics.requests(RequestType.PUT),
          metrics.bytesUploaded() / 1048576.0);
    } finally {
      network.shutdownNow();
    }
  }

  private static String fmt(long bytes) {
    return String.format("%.1f MiB", bytes / 1048576.0);
  }

  /** Adds entries of 1 KiB random values until about {@code bytes}; finishes the table. */
  private static SstInfo fill(SstBuilder builder, long bytes) {
    SplittableRandom random = new SplittableRandom(1);
    byte[] value = new byte[1024];
    long entries = bytes / (value.length + 16);
    for (long i = 0; i < entries; i++) {
      random.nextBytes(value);
      byte[] key = ByteBuffer.allocate(16).putLong(0, i).array();
      builder.add(key, 1, EntryKind.PUT, value, SstEntry.NO_EXPIRY);
    }
    return builder.finish();
  }

  /** The largest heap in use right after any collection from now on: the live set, not garbage. */
  private static AtomicLong watchLiveHeap() {
    AtomicLong peak = new AtomicLong();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (notification, handback) -> {
                if (!notification
                    .getType()
                    .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                  return;
                }
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from(
                        (CompositeData) notification.getUserData());
                long used =
                    info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                        .mapToLong(MemoryUsage::getUsed)
                        .sum();
                peak.accumulateAndGet(used, Math::max);
              },
              null,
              null);
    }
    return peak;
  }

  /** Keeps nothing: counts, and answers a part after its transfer time. */
  private static final class Sink implements ObjectStore {
    private final long partSize;
    private final long partMillis;
    private final ScheduledExecutorService network;

    Sink(long partSize, long partMillis, ScheduledExecutorService network) {
      this.partSize = partSize;
      this.partMillis = partMillis;
      this.network = network;
    }

    private static ObjectMeta meta(String key, long size) {
      return new ObjectMeta(key, size, "v", Instant.now());
    }

    @Override
    public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
      return CompletableFuture.completedFuture(meta(key, data.remaining()));
    }

    @Override
    public MultipartUpload multipartUpload(String key) {
      UploadParts parts = new UploadParts(key, partSize);
      return new MultipartUpload() {
        @Override
        public String key() {
          return key;
        }

        @Override
        public long partSize() {
          return partSize;
        }

        @Override
        public CompletableFuture<Void> start() {
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> uploadPart(int number, ByteBuffer data) {
          parts.received(number, data.remaining());
          CompletableFuture<Void> sent = new CompletableFuture<>();
          network.schedule(() -> sent.complete(null), partMillis, TimeUnit.MILLISECONDS);
          return sent;
        }

        @Override
        public CompletableFuture<ObjectMeta> complete(int count) {
          return CompletableFuture.completedFuture(meta(key, parts.objectSize(count)));
        }

        @Override
        public CompletableFuture<Void> abort() {
          return CompletableFuture.completedFuture(null);
        }
      };
    }

    @Override
    public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
      return CompletableFuture.failedFuture(new ObjectNotFoundException(key));
    }

    @Override
    public CompletableFuture<ObjectMeta> head(String key) {
      return CompletableFuture.failedFuture(new ObjectNotFoundException(key));
    }

    @Override
    public CompletableFuture<List<ObjectMeta>> list(String prefix, String startAfter) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
  }
}
