package dev.shaledb.chaos;

import static dev.shaledb.objectstore.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.ObjectUpload;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * A streamed table upload meets the crash points of a table's put: before its first request nothing
 * of it is sent, after its completion it is published and its writer is not told; and a crash
 * mid-upload stops every later part at the boundary.
 */
class CrashPointUploadTest {
  private static final String TABLE = "db/sst/t1.sst";
  private static final int PART = 100;

  private final InMemoryObjectStore shared = new InMemoryObjectStore(Clock.systemUTC(), PART);
  private final CrashPointStore boundary = new CrashPointStore(shared);

  private static ByteBuffer table() {
    return ByteBuffer.allocate(3 * PART + 1);
  }

  @Test
  void beforeTablePutCrashesAtTheUploadsStart() {
    boundary.arm(CrashPoint.BEFORE_TABLE_PUT, 1);
    ObjectUpload upload = boundary.upload(TABLE);
    // The start dies at once, so the part after the first finds the upload failed.
    assertThatThrownBy(() -> upload.write(table()))
        .isInstanceOf(ObjectStoreException.class)
        .hasMessageContaining("crashed");
    assertThatThrownBy(() -> join(upload.complete())).hasMessageContaining("crashed");
    assertThat(boundary.fired()).isEqualTo(CrashPoint.BEFORE_TABLE_PUT);
    assertThatThrownBy(() -> join(shared.head(TABLE))).isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void afterTablePutCrashesOnceTheTableIsPublished() {
    boundary.arm(CrashPoint.AFTER_TABLE_PUT, 1);
    ObjectUpload upload = boundary.upload(TABLE);
    upload.write(table());
    assertThatThrownBy(() -> join(upload.complete())).isInstanceOf(ObjectStoreException.class);
    assertThat(boundary.fired()).isEqualTo(CrashPoint.AFTER_TABLE_PUT);
    assertThat(join(shared.head(TABLE)).size()).as("an orphan table").isEqualTo(3 * PART + 1);
  }

  @Test
  void aCrashMidUploadStopsTheRestAtTheBoundary() {
    ObjectUpload upload = boundary.upload(TABLE);
    upload.write(ByteBuffer.allocate(PART + 1)); // start and part 1 went through
    boundary.crash();
    upload.write(ByteBuffer.allocate(PART)); // part 2 dies at the boundary
    assertThatThrownBy(() -> join(upload.complete())).hasMessageContaining("crashed");
    assertThatThrownBy(() -> join(shared.head(TABLE))).isInstanceOf(ObjectNotFoundException.class);
  }
}
