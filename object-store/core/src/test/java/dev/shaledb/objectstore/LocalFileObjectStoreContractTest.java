package dev.shaledb.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

class LocalFileObjectStoreContractTest extends AbstractObjectStoreContractTest {
  @TempDir Path dir;

  /** Parts of 1 MiB, so the upload tests write several without writing much. */
  @Override
  protected ObjectStore newStore() {
    return new LocalFileObjectStore(
        dir, null, LocalPaths::fsyncDirectory, LocalFileObjectStore.DEFAULT_OPEN_FILES, 1 << 20);
  }

  /** An aborted upload deletes its temporary file at once, not when the next store opens. */
  @Override
  protected void assertNoUploadLeftovers() throws Exception {
    try (Stream<Path> temps = Files.list(((LocalFileObjectStore) store).tempDir())) {
      assertThat(temps).isEmpty();
    }
  }
}
