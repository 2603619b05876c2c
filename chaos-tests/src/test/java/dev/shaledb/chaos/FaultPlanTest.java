package dev.shaledb.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class FaultPlanTest {

  @Test
  void randomPlansReplayFromTheirSeedAndMixFaultClasses() {
    List<FaultPlan> plans = new ArrayList<>();
    for (long seed = 0; seed < 300; seed++) {
      FaultPlan plan = FaultPlan.random(seed);
      assertThat(plan).isEqualTo(FaultPlan.random(seed));
      assertThat(plan.withLatency(Duration.ZERO, Duration.ZERO))
          .as("seed %d enables at least one fault class", seed)
          .isNotEqualTo(FaultPlan.none());
      assertThat(plan.errorRate())
          .satisfiesAnyOf(r -> assertThat(r).isZero(), r -> assertThat(r).isBetween(0.01, 0.20));
      plans.add(plan);
    }
    List<ToDoubleFunction<FaultPlan>> classes =
        List.of(
            FaultPlan::errorRate,
            FaultPlan::putBurstRate,
            FaultPlan::timeoutBeforeApplyRate,
            FaultPlan::timeoutAfterApplyRate,
            FaultPlan::phantomConflictRate,
            FaultPlan::corruptReadRate,
            p -> p.latency().toNanos());
    for (ToDoubleFunction<FaultPlan> rate : classes) {
      assertThat(plans).anyMatch(p -> rate.applyAsDouble(p) > 0);
      assertThat(plans).anyMatch(p -> rate.applyAsDouble(p) == 0);
    }
  }

  @Test
  void toStringNamesEveryComponentExactly() {
    FaultPlan plan = FaultPlan.random(12345);
    String text = plan.toString();
    for (var component : FaultPlan.class.getRecordComponents()) {
      assertThat(text).contains(component.getName() + "=");
    }
    assertThat(text).contains(Double.toString(plan.errorRate()));
  }

  @Test
  void noneInjectsNothingAndRatesAreValidated() {
    FaultPlan none = FaultPlan.none();
    assertThat(none.errorRate() + none.putBurstRate() + none.corruptReadRate()).isZero();
    assertThatThrownBy(() -> none.withErrors(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> none.withErrors(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> none.withPutBursts(0.1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> none.withLatency(Duration.ofMillis(-1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
