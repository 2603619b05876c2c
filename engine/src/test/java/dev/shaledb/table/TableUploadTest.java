package dev.shaledb.table;

import static dev.shaledb.objectstore.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.objectstore.RequestType;
import dev.shaledb.sst.SstBuilder;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.testing.Seeds;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tables streamed to the store while they are built ({@link TableStore#openUpload}): they read back
 * through the table store as uploaded ones do, go up in parts with the requests counted, warm the
 * block cache without being held whole, and leave nothing when the build fails.
 */
class TableUploadTest {
  private static final int PART = 64 << 10;
  private static final int ENTRIES = 6_000;

  private final List<SstEntry> entries = entries();

  private static List<SstEntry> entries() {
    Seeds.Gen gen = Seeds.gen("TableUploadTest");
    List<SstEntry> out = new ArrayList<>();
    for (int i = 0; i < ENTRIES; i++) {
      byte[] key = String.format("key%06d", i).getBytes(StandardCharsets.UTF_8);
      out.add(SstEntry.put(key, 1_000 + i, gen.bytes(100))); // incompressible: about 660 KiB
    }
    return out;
  }

  /** Streams the table {@code id} into {@code tables} and returns what the manifest would list. */
  private TableInfo stream(TableStore tables, String id) {
    try (TableUpload upload = tables.openUpload(id, true);
        SstBuilder builder = upload.builder(SstOptions.defaults())) {
      entries.forEach(builder::add);
      TableInfo table = TableStore.describe(id, builder.finish());
      ObjectMeta meta = join(upload.complete());
      assertThat(meta.size()).isEqualTo(table.sizeBytes());
      assertThat(meta.key()).isEqualTo(tables.key(id)).isEqualTo(upload.key());
      assertThat(upload.peakBufferBytes())
          .as("a few parts buffered, never the table")
          .isLessThanOrEqualTo(5L * PART)
          .isLessThan(table.sizeBytes());
      return table;
    }
  }

  private void assertReadsBack(TableStore tables, TableInfo table) {
    TableStore.OpenTable open = tables.table(table);
    for (int i = 0; i < ENTRIES; i += 97) {
      SstEntry entry = entries.get(i);
      assertThat(tables.get(open, entry.key(), Long.MAX_VALUE)).as("entry %d", i).contains(entry);
    }
  }

  @Test
  void aStreamedTableReadsBackThroughTheTableStore() {
    ObjectStore store = new InMemoryObjectStore(Clock.systemUTC(), PART);
    TableStore tables = new TableStore(store, "db", null, CorruptionReporter.NONE);
    TableInfo table = stream(tables, "t1");
    assertThat(table.sizeBytes()).isGreaterThan(5L * PART);
    assertReadsBack(tables, table);
    assertThat(join(store.list(""))).extracting(ObjectMeta::key).containsExactly("db/sst/t1.sst");
  }

  @Test
  void aStreamedTableGoesUpInPartsCountedAsS3BillsThem() {
    MeteredObjectStore store =
        new MeteredObjectStore(new InMemoryObjectStore(Clock.systemUTC(), PART));
    TableStore tables = new TableStore(store, "db", null, CorruptionReporter.NONE);
    TableInfo table = stream(tables, "t1");
    long parts = (table.sizeBytes() + PART - 1) / PART;
    ObjectStoreMetrics metrics = store.snapshot();
    assertThat(metrics.requests(RequestType.PUT)).as("start, parts, complete").isEqualTo(parts + 2);
    assertThat(metrics.bytesUploaded()).isEqualTo(table.sizeBytes());
    assertThat(metrics.requests(RequestType.DELETE)).as("no abort").isZero();
    assertReadsBack(tables, table);
  }

  @Test
  void aStreamedTableWarmsTheBlockCacheWithoutBeingHeldWhole() {
    MeteredObjectStore store =
        new MeteredObjectStore(new InMemoryObjectStore(Clock.systemUTC(), PART));
    TableStore tables =
        new TableStore(store, "db", new CaffeineBlockCache(64L << 20), CorruptionReporter.NONE);
    TableInfo table = stream(tables, "t1");
    ObjectStoreMetrics before = store.snapshot();
    assertReadsBack(tables, table);
    assertThat(store.snapshot().minus(before).requests(RequestType.GET))
        .as("opening the table, and not one data block")
        .isEqualTo(1);
  }

  @Test
  void aBuildThatFailsLeavesNothing() {
    MeteredObjectStore store =
        new MeteredObjectStore(new InMemoryObjectStore(Clock.systemUTC(), PART));
    TableStore tables = new TableStore(store, "db", null, CorruptionReporter.NONE);
    assertThatThrownBy(
            () -> {
              try (TableUpload upload = tables.openUpload("t1", true);
                  SstBuilder builder = upload.builder(SstOptions.defaults())) {
                entries.forEach(builder::add); // parts have gone up
                throw new IllegalStateException("the merge failed");
              }
            })
        .hasMessage("the merge failed");
    assertThat(store.snapshot().requests(RequestType.DELETE)).as("aborted").isEqualTo(1);
    assertThatThrownBy(() -> join(store.head("db/sst/t1.sst")))
        .isInstanceOf(ObjectNotFoundException.class);
    assertThat(join(store.list(""))).isEmpty();
  }
}
