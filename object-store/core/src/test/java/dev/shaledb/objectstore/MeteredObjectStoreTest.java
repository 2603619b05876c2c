package dev.shaledb.objectstore;

import static dev.shaledb.objectstore.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MeteredObjectStoreTest extends AbstractObjectStoreContractTest {
  @Override
  protected ObjectStore newStore() {
    return new MeteredObjectStore(new InMemoryObjectStore());
  }

  @Test
  void countsRequestsBytesFailuresAndLatency() {
    AtomicLong now = new AtomicLong();
    MeteredObjectStore metered =
        new MeteredObjectStore(new InMemoryObjectStore(), () -> now.addAndGet(1_000_000));
    join(metered.put("a", new byte[100], PutCondition.none()));
    join(metered.put("b", new byte[50], PutCondition.none()));
    assertThatThrownBy(() -> join(metered.put("a", new byte[7], PutCondition.ifAbsent())))
        .isInstanceOf(PreconditionFailedException.class);
    join(metered.get("a", ByteRange.suffix(10)));
    join(metered.head("b"));
    join(metered.list(""));
    join(metered.delete("b"));
    assertThatThrownBy(() -> join(metered.get("b"))).isInstanceOf(ObjectNotFoundException.class);

    ObjectStoreMetrics metrics = metered.snapshot();
    assertThat(metrics.requests(RequestType.PUT)).isEqualTo(3);
    assertThat(metrics.byType().get(RequestType.PUT).failures())
        .as("a lost condition is an answer, not a failure")
        .isZero();
    assertThat(metrics.byType().get(RequestType.PUT).conditionFailed()).isEqualTo(1);
    assertThat(metrics.requests(RequestType.GET)).isEqualTo(2);
    assertThat(metrics.byType().get(RequestType.GET).failures())
        .as("a missing key is an answer, not a failure")
        .isZero();
    assertThat(metrics.byType().get(RequestType.GET).notFound()).isEqualTo(1);
    assertThat(metrics.byType().get(RequestType.PUT).notFound()).isZero();
    assertThat(metrics.totalFailures()).isZero();
    assertThat(metrics.totalConditionFailed()).isEqualTo(1);
    assertThat(metrics.totalNotFound()).isEqualTo(1);
    assertThat(metrics.requests(RequestType.HEAD)).isEqualTo(1);
    assertThat(metrics.requests(RequestType.LIST)).isEqualTo(1);
    assertThat(metrics.requests(RequestType.DELETE)).isEqualTo(1);
    assertThat(metrics.totalRequests()).isEqualTo(8);
    assertThat(metrics.bytesUploaded()).isEqualTo(150);
    assertThat(metrics.bytesDownloaded()).isEqualTo(10);
    // each request spans exactly one tick of the fake clock, 1 ms; buckets are within 3.2%
    assertThat(metrics.byType().get(RequestType.PUT).p50Nanos()).isBetween(1_000_000L, 1_032_000L);
  }

  @Test
  void uploadsAreBilledRequestByRequestAsOnS3() {
    MeteredObjectStore metered =
        new MeteredObjectStore(new InMemoryObjectStore(Clock.systemUTC(), 100));
    ObjectUpload big = metered.upload("big");
    big.write(ByteBuffer.allocate(250));
    join(big.complete()); // start, three parts, complete
    ObjectUpload small = metered.upload("small");
    small.write(ByteBuffer.allocate(50));
    join(small.complete()); // one put
    ObjectUpload dropped = metered.upload("dropped");
    dropped.write(ByteBuffer.allocate(150));
    join(dropped.abort()); // start, one part, abort

    ObjectStoreMetrics metrics = metered.snapshot();
    assertThat(metrics.requests(RequestType.PUT)).isEqualTo(5 + 1 + 2);
    assertThat(metrics.requests(RequestType.DELETE)).as("the abort, free on S3").isEqualTo(1);
    assertThat(metrics.bytesUploaded()).isEqualTo(250 + 50 + 100);
    assertThat(metrics.totalFailures()).isZero();
  }

  @Test
  void invalidArgumentsAreNotBilled() {
    MeteredObjectStore metered = new MeteredObjectStore(new InMemoryObjectStore());
    assertThatThrownBy(() -> join(metered.put("", new byte[1], PutCondition.none())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(metered.snapshot().totalRequests()).isZero();
  }

  @Test
  void costFollowsThePriceList() {
    MeteredObjectStore metered = new MeteredObjectStore(new InMemoryObjectStore());
    for (int i = 0; i < 1000; i++) {
      join(metered.put("k" + i, new byte[1], PutCondition.none()));
      join(metered.get("k" + i));
    }
    ObjectStoreMetrics metrics = metered.snapshot();
    assertThat(metrics.costUsd(RequestPricing.s3Standard())).isCloseTo(0.0054, within(1e-12));
    assertThat(metrics.costUsd(RequestPricing.s3ExpressOneZone()))
        .isCloseTo(0.00116, within(1e-12));
    ObjectStoreMetrics later = metered.snapshot();
    join(metered.put("one-more", new byte[3], PutCondition.none()));
    ObjectStoreMetrics delta = metered.snapshot().minus(later);
    assertThat(delta.requests(RequestType.PUT)).isEqualTo(1);
    assertThat(delta.bytesUploaded()).isEqualTo(3);
  }

  @Test
  void pricesMustBeNonNegative() {
    assertThatThrownBy(() -> new RequestPricing("bad", java.util.Map.of(RequestType.PUT, -1.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PUT");
  }
}
