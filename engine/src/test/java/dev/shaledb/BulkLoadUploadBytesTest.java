package dev.shaledb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.objectstore.RequestType;
import dev.shaledb.wal.WalObjectHeader;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What bulk-load mode saves, measured: the bytes a load of 20-byte keys and 400-byte values in
 * random order uploads, with and without the mode, on the in-memory store, counted by a {@link
 * MeteredObjectStore} (all PUTs) and an {@link UploadCounter} (by folder). Compaction is off, so
 * the numbers are the load's own (compaction rewrites the same tables in both modes). 16 MiB by
 * default; {@code -Dshaledb.bulkLoadMiB=200} for the figure in docs/benchmarks.md.
 */
class BulkLoadUploadBytesTest {
  private static final long LOAD_BYTES = Long.getLong("shaledb.bulkLoadMiB", 16) << 20;
  private static final int KEY_BYTES = 20;
  private static final int VALUE_BYTES = 400;

  /** What one load uploaded. */
  private record Uploads(long puts, long bytes, long walBytes, long tableBytes, long millis) {}

  @Test
  void aBulkLoadUploadsAboutHalfTheBytesOfTheSameLoadThroughTheWal() {
    long entries = LOAD_BYTES / (KEY_BYTES + VALUE_BYTES);
    long userBytes = entries * (KEY_BYTES + VALUE_BYTES);
    Uploads normal = load(entries, false);
    Uploads bulk = load(entries, true);
    System.out.printf(
        "load of %d entries (%d/%d, %.1f MiB): through the WAL %s; bulk load %s%n",
        entries, KEY_BYTES, VALUE_BYTES, userBytes / 1048576.0, describe(normal), describe(bulk));
    assertThat(normal.walBytes()).as("every entry went through the WAL").isGreaterThan(userBytes);
    assertThat(bulk.walBytes())
        .as("only the fence the open placed")
        .isEqualTo(WalObjectHeader.FENCE_OBJECT_SIZE);
    assertThat(bulk.tableBytes()).isGreaterThan(userBytes);
    assertThat((double) bulk.bytes()).isLessThan(0.55 * normal.bytes());
  }

  private static Uploads load(long entries, boolean bulkLoad) {
    UploadCounter counter = new UploadCounter(new InMemoryObjectStore(), "db");
    MeteredObjectStore store = new MeteredObjectStore(counter);
    DbOptions options =
        DbOptions.builder()
            .compaction(CompactionOptions.disabled())
            .gc(GcOptions.builder().interval(Duration.ZERO).build())
            .blockCacheBytes(0)
            .bulkLoad(bulkLoad)
            .build();
    long start = System.nanoTime();
    try (Db db = Db.open(store, "db", options)) {
      SplittableRandom random = new SplittableRandom(42);
      byte[] value = new byte[VALUE_BYTES];
      for (long i = 0; i < entries; i++) {
        random.nextBytes(value);
        // Distinct keys in a scattered order (an odd multiplier is a bijection), as fillrandom.
        String digits = Long.toUnsignedString(i * 0x9E3779B97F4A7C15L);
        byte[] key = ("0".repeat(KEY_BYTES - digits.length()) + digits).getBytes(UTF_8);
        db.put(key, value, WriteOptions.noWait());
      }
      db.flush();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    ObjectStoreMetrics m = store.snapshot();
    return new Uploads(
        m.requests(RequestType.PUT),
        m.bytesUploaded(),
        counter.bytes("wal"),
        counter.bytes("sst"),
        millis);
  }

  private static String describe(Uploads u) {
    return String.format(
        "%.1f MiB in %d PUTs (WAL %.1f MiB, tables %.1f MiB), %d ms",
        u.bytes() / 1048576.0,
        u.puts(),
        u.walBytes() / 1048576.0,
        u.tableBytes() / 1048576.0,
        u.millis());
  }
}
