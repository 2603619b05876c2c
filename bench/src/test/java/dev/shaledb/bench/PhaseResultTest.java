package dev.shaledb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.objectstore.ObjectStoreMetrics.TypeMetrics;
import dev.shaledb.objectstore.RequestPricing;
import dev.shaledb.objectstore.RequestType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PhaseResultTest {
  private static final ObjectStoreMetrics THOUSAND_PUTS_TEN_GETS =
      new ObjectStoreMetrics(
          Map.of(
              RequestType.PUT, new TypeMetrics(1000, 0, 0, 0, 0, 0, 0),
              RequestType.GET, new TypeMetrics(10, 0, 0, 0, 0, 0, 0)),
          0,
          0);

  @Test
  void costsPerMillionWritesAndPerMonth() {
    // 10,000 writes in 10 s issuing 1,000 PUTs and 10 GETs
    PhaseResult p =
        new PhaseResult(
            "w", 4, 10_000, 10_000, 10_000_000_000L, 0, 0, 0, THOUSAND_PUTS_TEN_GETS, "");
    double standard = 1000 * 0.005 / 1000 + 10 * 0.0004 / 1000;
    assertThat(p.costPerMillionWrites(RequestPricing.s3Standard()))
        .isCloseTo(standard * 100, within(1e-9));
    assertThat(p.costPerMonth(RequestPricing.s3Standard()))
        .isCloseTo(standard / 10 * 30 * 24 * 3600, within(1e-6));
    assertThat(p.perOp(RequestType.PUT)).isEqualTo(0.1);
    assertThat(p.opsPerSecond()).isEqualTo(1000);
    assertThat(p.requestsPerSecond()).isEqualTo(101);
  }

  @Test
  void readOnlyPhasesHaveNoCostPerWrite() {
    PhaseResult p = new PhaseResult("r", 1, 10, 0, 1_000_000, 0, 0, 0, THOUSAND_PUTS_TEN_GETS, "");
    assertThat(p.costPerMillionWrites(RequestPricing.s3Standard())).isNaN();
    assertThat(Report.dollars(Double.NaN)).isEqualTo("-");
  }
}
