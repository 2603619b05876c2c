package dev.shaledb.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shaledb.Db;
import dev.shaledb.DbReader;
import dev.shaledb.DbReaderOptions;
import dev.shaledb.WriteBatch;
import dev.shaledb.objectstore.InMemoryObjectStore;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The binder's meters show what the statistics say, under Micrometer's names and tags. */
class ShaleDbMetricsTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private double count(String name, String... tags) {
    return registry.get(name).tags("db", "orders").tags(tags).functionCounter().count();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags("db", "orders").tags(tags).gauge().value();
  }

  @Test
  void aDatabasesMetersFollowItsStatistics() throws Exception {
    try (Db db = Db.open(store, "db")) {
      ShaleDbMetrics.of(db, "orders", Tag.of("env", "test")).bindTo(registry);
      for (int i = 0; i < 5; i++) {
        db.put(b("k" + i), b("v" + i));
      }
      db.write(new WriteBatch().delete(b("k0")).deleteRange(b("k1"), b("k2")));
      db.get(b("k3"));
      db.get(b("k4"));
      Thread.sleep(1_100); // past the shared snapshot's age
      assertThat(count("shaledb.writes", "op", "put")).isEqualTo(5);
      assertThat(count("shaledb.writes", "op", "delete")).isEqualTo(1);
      assertThat(count("shaledb.writes", "op", "delete_range")).isEqualTo(1);
      assertThat(count("shaledb.write.calls")).isEqualTo(6);
      assertThat(count("shaledb.reads", "op", "get")).isEqualTo(2);
      assertThat(gauge("shaledb.sequence", "kind", "durable"))
          .isEqualTo(db.stats().durableSequence());
      assertThat(count("shaledb.store.requests", "type", "put")).isPositive();
      assertThat(count("shaledb.store.bytes", "direction", "uploaded")).isPositive();
      assertThat(count("shaledb.store.cost", "pricing", "s3-standard")).isPositive();
      assertThat(count("shaledb.store.request.not.found", "type", "head"))
          .as("the open looked for manifests that do not exist yet")
          .isPositive();
      assertThat(count("shaledb.store.request.failures", "type", "head")).isZero();
      assertThat(count("shaledb.memtable.flushes")).isEqualTo(db.stats().memtableFlushes());
      assertThat(
              registry
                  .get("shaledb.write.durable.latency")
                  .tags("db", "orders", "quantile", "0.99")
                  .timeGauge()
                  .value(TimeUnit.MICROSECONDS))
          .as("through seconds and back: equal up to rounding")
          .isCloseTo(db.stats().durableAckP99Micros(), within(1e-6));
      assertThat(registry.getMeters())
          .allSatisfy(m -> assertThat(m.getId().getTag("env")).isEqualTo("test"))
          .allSatisfy(m -> assertThat(m.getId().getName()).startsWith("shaledb."));
    }
    // Closed: the meters keep their last values instead of failing the publish.
    Thread.sleep(1_100);
    assertThat(count("shaledb.writes", "op", "put")).isEqualTo(5);
    for (Meter m : registry.getMeters()) {
      m.measure().forEach(x -> assertThat(x.getValue()).isNotNull());
    }
  }

  @Test
  void aReadersMetersFollowItsRefreshes() throws Exception {
    try (Db db = Db.open(store, "db")) {
      db.put(b("a"), b("1"));
      DbReaderOptions manual = DbReaderOptions.builder().pollInterval(Duration.ZERO).build();
      try (DbReader reader = DbReader.open(store, "db", manual)) {
        AtomicLong nanos = new AtomicLong();
        ShaleDbMetrics.ofReader(reader, java.time.Clock.systemUTC(), nanos::get, "orders")
            .bindTo(registry);
        double before = count("shaledb.reader.refreshes");
        reader.refresh();
        reader.get(b("a"));
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
        assertThat(count("shaledb.reader.refreshes")).isEqualTo(before + 1);
        assertThat(count("shaledb.reads", "op", "get")).isEqualTo(1);
        assertThat(gauge("shaledb.sequence", "kind", "reader"))
            .isEqualTo(reader.stats().sequence());
        assertThat(
                registry
                    .get("shaledb.reader.refresh.age")
                    .tags("db", "orders")
                    .timeGauge()
                    .value(TimeUnit.SECONDS))
            .isBetween(0.0, 60.0);
        assertThat(count("shaledb.store.requests", "type", "get")).isPositive();
      }
    }
  }

  @Test
  void oneSnapshotServesAPublishAndTheLastOneOutlivesTheSource() {
    AtomicLong nanos = new AtomicLong();
    AtomicInteger calls = new AtomicInteger();
    boolean[] closed = {false};
    StatsSnapshot<Integer> s =
        new StatsSnapshot<>(
            () -> {
              if (closed[0]) {
                throw new IllegalStateException("closed");
              }
              return calls.incrementAndGet();
            },
            nanos::get,
            1_000);
    assertThat(s.get()).isEqualTo(1);
    nanos.set(999);
    assertThat(s.get()).as("within the age: the same snapshot").isEqualTo(1);
    nanos.set(1_000);
    assertThat(s.get()).isEqualTo(2);
    closed[0] = true;
    nanos.set(5_000);
    assertThat(s.get()).as("the source failing: the last snapshot").isEqualTo(2);
  }

  @Test
  void badArgumentsAreRefused() throws Exception {
    try (Db db = Db.open(store, "db")) {
      assertThatThrownBy(() -> ShaleDbMetrics.of(db, " "))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("name is blank");
      assertThatThrownBy(() -> ShaleDbMetrics.of((Db) null, "x"))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("db is null");
      assertThatThrownBy(() -> ShaleDbMetrics.of(db, "x").bindTo(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("registry is null");
    }
  }
}
