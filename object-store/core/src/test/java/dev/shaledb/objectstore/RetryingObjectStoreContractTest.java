package dev.shaledb.objectstore;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;

class RetryingObjectStoreContractTest extends AbstractObjectStoreContractTest {
  private static final ScheduledExecutorService SCHEDULER =
      Executors.newSingleThreadScheduledExecutor();

  @AfterAll
  static void stopScheduler() {
    SCHEDULER.shutdownNow();
  }

  @Override
  protected ObjectStore newStore() {
    return new RetryingObjectStore(new InMemoryObjectStore(), SCHEDULER, 1L);
  }
}
