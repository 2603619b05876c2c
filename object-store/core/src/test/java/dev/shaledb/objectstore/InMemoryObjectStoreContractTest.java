package dev.shaledb.objectstore;

class InMemoryObjectStoreContractTest extends AbstractObjectStoreContractTest {
  @Override
  protected ObjectStore newStore() {
    return new InMemoryObjectStore();
  }
}
