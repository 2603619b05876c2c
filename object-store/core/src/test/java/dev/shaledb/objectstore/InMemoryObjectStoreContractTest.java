package dev.shaledb.objectstore;

import java.time.Clock;

class InMemoryObjectStoreContractTest extends AbstractObjectStoreContractTest {
  /** Small parts, so the upload tests see many (the decorators' suites run the default size). */
  @Override
  protected ObjectStore newStore() {
    return new InMemoryObjectStore(Clock.systemUTC(), 256 << 10);
  }
}
