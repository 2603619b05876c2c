package dev.shaledb.objectstore;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LocalFileObjectStoreContractTest extends AbstractObjectStoreContractTest {
  @TempDir Path dir;

  @Override
  protected ObjectStore newStore() {
    return new LocalFileObjectStore(dir);
  }
}
